"""How a kubectl command fails: a message for stderr and an exit code."""


class KubectlError(Exception):
    """Printed as-is on stderr (a newline is added if missing); the process exits `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def not_simulated(what: str) -> KubectlError:
    return KubectlError(f"error: podsim kubectl does not simulate {what}")


def not_found(resource: str, name: str) -> KubectlError:
    """The API server's NotFound, e.g. `pods "x" not found`."""
    return KubectlError(f'Error from server (NotFound): {resource} "{name}" not found')


def bad_request(message: str) -> KubectlError:
    return KubectlError(f"Error from server (BadRequest): {message}")
