"""actions."""
def code_actions(snapshot, params):
    return []
