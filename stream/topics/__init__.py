"""Topic declarations (stream/topics/topics.yaml) and their idempotent provisioning."""
