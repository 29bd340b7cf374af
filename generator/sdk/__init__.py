"""The SDK: the IR (`ir`), a spec loaded into it (`load`), Python names (`naming`), escaping
filters (`escape`), line layout (`layout`), rendering through the templates (`render`) and
the cache of rendered templates (`render_cache`)."""
