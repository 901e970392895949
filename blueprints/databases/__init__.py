"""The stateful tier: PostgreSQL with pgvector, MongoDB, Redis, ScyllaDB."""
