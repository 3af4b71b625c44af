"""What several actions share: field readers, coercion, property schemas, object types, events."""
