"""A real gRPC service for the Envoy tests and the soak: `catalog.Catalog` on grpcio, bytes in
and out (no protobuf, no codegen). The request names the gRPC status to end the call with.

Three ways a status reaches Envoy, as the filter must read it:
- `Get` (unary) sends one response message, then the status in HTTP/2 trailers;
- `List` (server streaming) sends three messages, then the status in trailers;
- `Check` (unary) aborts before any message: a trailers-only response, the status in the
  one HEADERS frame (grpcio turns an abort with OK into UNKNOWN, so Check takes non-OK codes).
grpc core sets TCP_NODELAY on its sockets: no Nagle delay between frames.
"""

from concurrent import futures

try:
    import grpc
except ImportError as error:
    raise AssertionError("missing grpcio in .venv (tests/requirements.txt; scripts/setup.sh installs it)") from error

SERVICE = "catalog.Catalog"
CODES = list(grpc.StatusCode)  # OK (0) to UNAUTHENTICATED (16)
STREAMED_MESSAGES = 3


def code_of(request):
    return grpc.StatusCode[request.decode()]


def get(request, context):
    context.set_code(code_of(request))
    context.set_details("chosen by the request")
    return b"item:" + request


def list_items(request, context):
    for i in range(STREAMED_MESSAGES):
        yield b"item-%d" % i
    context.set_code(code_of(request))


def check(request, context):
    context.abort(code_of(request), "chosen by the request")


class CatalogServer:
    """The service on 127.0.0.1, a free port; `stop()` ends it."""

    def __init__(self, workers=8):
        handler = grpc.method_handlers_generic_handler(SERVICE, {
            "Get": grpc.unary_unary_rpc_method_handler(get),
            "List": grpc.unary_stream_rpc_method_handler(list_items),
            "Check": grpc.unary_unary_rpc_method_handler(check),
        })
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers))
        self.server.add_generic_rpc_handlers((handler,))
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()

    def stop(self):
        self.server.stop(grace=None).wait(10)


def call(channel, method, code, timeout=30):
    """Calls `method` asking for `code` (a grpc.StatusCode); returns the code the client got
    and the messages it received before the status (a failed unary call delivers none)."""
    path = f"/{SERVICE}/{method}"
    request = code.name.encode()
    messages = []
    try:
        if method == "List":
            for message in channel.unary_stream(path)(request, timeout=timeout):
                messages.append(message)
        else:
            messages.append(channel.unary_unary(path)(request, timeout=timeout))
        return grpc.StatusCode.OK, messages
    except grpc.RpcError as error:
        return error.code(), messages
