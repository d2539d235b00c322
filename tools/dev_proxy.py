"""Development front for `make run` with workers: what nginx does in production, on one port.

Odoo's web client polls /longpolling/poll on the port it was loaded from; in prefork mode only the
gevent process (longpolling_port) answers it, the HTTP workers refuse ("bus.Bus unavailable").
This proxy listens on the public port and sends each connection whose first request is under
/longpolling/ to the long-polling port, every other one to the workers' port. The workers answer in
HTTP/1.0 (one request per connection); the gevent process serves the whole application, so a kept
connection that carries further requests there is still answered. Exits when its parent (the Odoo
master) is gone.

usage: python dev_proxy.py HOST PORT WORKERS_PORT LONGPOLLING_PORT
"""
import asyncio
import os
import sys


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(client_reader, client_writer, host, http_port, lp_port):
    try:
        head = await client_reader.readuntil(b"\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        client_writer.close()
        return
    parts = head.split(b" ")
    path = parts[1] if len(parts) > 1 else b"/"
    port = lp_port if path.startswith(b"/longpolling/") else http_port
    try:
        up_reader, up_writer = await asyncio.open_connection(host, port)
    except OSError:
        client_writer.write(b"HTTP/1.0 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        client_writer.close()
        return
    up_writer.write(head)
    await asyncio.gather(pipe(client_reader, up_writer), pipe(up_reader, client_writer))


async def watch_parent(parent):
    while os.getppid() == parent:
        await asyncio.sleep(1)
    os._exit(0)


def main():
    host, port, http_port, lp_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    loop = asyncio.get_event_loop()
    server = loop.run_until_complete(asyncio.start_server(
        lambda r, w: handle(r, w, host, http_port, lp_port), host, port, reuse_address=True))
    loop.create_task(watch_parent(os.getppid()))
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
