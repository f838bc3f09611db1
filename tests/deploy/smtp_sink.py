#!/usr/bin/python3
"""A real SMTP server for the tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py PORT FOLDER

Listens on 127.0.0.1:PORT and saves each message it accepts as
FOLDER/<time>-<n>.eml (the envelope as X-Envelope-From/-To headers, then the
message exactly as received). Writes FOLDER/ready when listening. Stops on
SIGTERM or SIGINT. Loopback only.
"""
import os
import signal
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Saver:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = f"{time.time_ns()}-{self.count}.eml"
        head = (f"X-Envelope-From: {envelope.mail_from}\r\n"
                f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n").encode()
        tmp = os.path.join(self.folder, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(head + envelope.original_content)
        os.rename(tmp, os.path.join(self.folder, name))
        return "250 OK"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Saver(folder), hostname="127.0.0.1", port=port)
    controller.start()
    with open(os.path.join(folder, "ready"), "w") as f:
        f.write(str(port))
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
