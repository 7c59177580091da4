"""hover."""
def hover(snapshot, position):
    return None
