"""hubspot-stream: a Kafka-native delivery engine that keeps HubSpot in sync with Segment events."""
