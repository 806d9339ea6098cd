/** The data-store images Kodus needs (FACTS.md): pgvector for PostgreSQL 16, MongoDB 8, and Kodus' RabbitMQ. */
export const DATA_STORE_IMAGES = {
  postgres: "pgvector/pgvector:pg16",
  mongodb: "mongo:8",
  rabbitmq: "ghcr.io/kodustech/kodus-rabbitmq:4.2.2-kodus",
} as const;

export const DATA_STORE_PORTS = { postgres: 5432, mongodb: 27017, rabbitmq: 5672 } as const;

/** Run once at first start of PostgreSQL: Kodus stores embeddings with pgvector. */
export const POSTGRES_INIT_SQL = "CREATE EXTENSION IF NOT EXISTS vector;\n";
