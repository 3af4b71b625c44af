"""Local development services: a KRaft Kafka broker from Maven jars, Redis, the demo."""
