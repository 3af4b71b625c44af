"""What several actions share: the field readers, coercion by property type, property schemas,
object type references, event occurrences and the V2 sync mode."""
