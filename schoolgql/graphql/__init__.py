"""GraphQL layer: schema assembly, context, loaders, extensions, errors."""
