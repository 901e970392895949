"""The platform's blueprints: the typed catalog and the cdk8s constructs built from it."""
