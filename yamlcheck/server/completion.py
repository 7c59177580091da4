"""completion."""
def complete(document, snapshot, position):
    return None
