"""navigation."""
def definition(snapshot, position):
    return None
def references(snapshot, position, include):
    return None
