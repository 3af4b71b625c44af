"""Topic declarations (topics/topics.yaml) and their idempotent provisioning."""
