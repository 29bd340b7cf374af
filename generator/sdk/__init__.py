"""The SDK: the IR (`ir`), a spec loaded into it (`load`: its schemas in `load_schemas`, its
operations in `load_operations`, over the shared `load_context`), Python names (`naming`),
escaping filters (`escape`), line layout (`layout`), rendering through the templates
(`render`) and the cache of rendered templates (`render_cache`)."""
