"""A network device simulator on 127.0.0.1: real SSH (paramiko's server), device-like shells.

Each :class:`SimulatedDevice` listens on an ephemeral loopback port and serves one fixture
configuration through a shell close enough to the device that netmiko's own driver works
unmodified. The ``cisco_ios`` dialect: echo of typed commands, ``>`` and ``#`` prompts, ``terminal
length 0`` and ``terminal width``, ``enable`` with a password, ``show running-config`` and ``show
version``, paging with ``--More--`` when paging was not turned off. The ``yamaha`` dialect (netmiko
``yamaha``): ``RTX1210>`` becoming ``RTX1210#`` after ``administrator`` and its password, ``console
lines infinity``, ``show config`` (refused before ``administrator``, as on the router) and ``show
environment``, paging with ``---つづく---``. The ``fortinet`` dialect (netmiko ``fortinet``): ``FGT # ``,
``get system status`` (VDOMs, version), ``get system console`` (the output mode: ``more`` pages
with ``--More--``), ``config system console`` / ``set output standard`` refused to a read-only
profile, ``show full-configuration``. The ``nec_ix`` dialect (netmiko ``nec_ix``): ``ayame-rtr1#``,
``svintr-config`` or ``configure`` entering ``ayame-rtr1(config)#`` (where ``terminal length 0`` is
taken), ``exit`` back out, ``show running-config``, ``show version`` and ``show hardware``, paging with
``--More--``.

Fault modes reproduce what collection must survive: a refused connection, a TCP listener that
never speaks SSH, a wrong password, a connection dropped in the middle of the configuration, a
shell that never shows a prompt, a device that ignores ``terminal length 0`` and pages, a
configuration cut before ``end``; and a legacy mode that offers only diffie-hellman-group14-sha1
and ssh-rsa, as old clinic routers do. Nothing here ever connects anywhere but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import paramiko
from paramiko.common import (
    AUTH_FAILED,
    AUTH_SUCCESSFUL,
    OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED,
    OPEN_SUCCEEDED,
)

Dialect = Literal["cisco_ios", "yamaha", "fortinet", "nec_ix"]
Fault = Literal["none", "refused", "silent_tcp", "drop_mid_output", "no_prompt", "ignores_paging", "truncated",
                "endless"]  # fmt: skip
LOOPBACK = "127.0.0.1"


_KEYS: dict[str, paramiko.RSAKey] = {}
_KEYS_LOCK = threading.Lock()


def host_key(name: str = "default") -> paramiko.RSAKey:
    """One RSA host key per name (generation is slow; tests share them unless they need new ones).
    Locked: two devices starting at once must not each generate their own "default" key."""
    with _KEYS_LOCK:
        if name not in _KEYS:
            _KEYS[name] = paramiko.RSAKey.generate(2048)
        return _KEYS[name]


@dataclass
class SimulatedDevice:
    config: str
    facts: str
    hostname: str = "R1"
    username: str = "admin"
    password: str = "Sim-Pass-7391!"
    enable_secret: str | None = "Sim-Enable-5822!"
    fault: Fault = "none"
    dialect: Dialect = "cisco_ios"
    console_output: Literal["more", "standard"] = "standard"  # fortinet: `config system console` output
    read_only: bool = False  # fortinet: an administrator profile that may not change any setting
    legacy_only: bool = False
    slow_output: float = 0.0  # seconds between chunks of 20 lines: a slow device, or a slow link
    key_name: str = "default"
    port: int = 0
    connections: int = 0
    session_seconds: list[float] = field(default_factory=list)  # accept to close, per session
    _socket: socket.socket | None = field(default=None, repr=False)
    _threads: list[threading.Thread] = field(default_factory=list, repr=False)
    _stopping: threading.Event = field(default_factory=threading.Event, repr=False)
    _key: paramiko.RSAKey | None = field(default=None, repr=False)

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> SimulatedDevice:
        """Listen on ``self.port`` (0: an ephemeral port)."""
        self._key = host_key(self.key_name)  # fixed before the first connection
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, self.port))
        self.port = listener.getsockname()[1]
        if self.fault == "refused":
            listener.close()  # the port is now closed: connections are refused
            return self
        listener.listen(32)
        listener.settimeout(0.2)
        self._socket = listener
        thread = threading.Thread(target=self._accept_loop, daemon=True, name=f"sim-{self.hostname}")
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop listening and release the port (the accept thread is joined, so the same port can
        be listened on again at once)."""
        self._stopping.set()
        if self._socket is not None:
            # A listening socket without connections may refuse the shutdown; closing still follows.
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
            self._socket.close()
            self._socket = None
        if self._threads:
            self._threads[0].join(timeout=2)

    def _accept_loop(self) -> None:
        assert self._socket is not None
        while not self._stopping.is_set():
            try:
                client, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)

    # --- one SSH session ----------------------------------------------------------------------------

    def _serve(self, client: socket.socket) -> None:
        started = time.perf_counter()
        try:
            self._session(client)
        finally:
            self.session_seconds.append(time.perf_counter() - started)

    def _session(self, client: socket.socket) -> None:
        if self.fault == "silent_tcp":
            self._stopping.wait(30)  # accept the TCP connection, never speak SSH
            client.close()
            return
        transport = paramiko.Transport(client)
        try:
            if self.legacy_only:
                options = transport.get_security_options()
                options.kex = ("diffie-hellman-group14-sha1",)
                options.key_types = ("ssh-rsa",)
            assert self._key is not None  # set by start()
            transport.add_server_key(self._key)
            transport.start_server(server=_Auth(self))
            channel = transport.accept(10)
            if channel is None:
                return
            _Shell(self, channel).run()
        except (paramiko.SSHException, EOFError, OSError):
            pass
        finally:
            transport.close()


class _Auth(paramiko.ServerInterface):
    def __init__(self, device: SimulatedDevice) -> None:
        self.device = device

    def get_allowed_auths(self, username: str) -> str:
        return "password"

    def check_auth_password(self, username: str, password: str) -> int:
        if username == self.device.username and password == self.device.password:
            return AUTH_SUCCESSFUL
        return AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return OPEN_SUCCEEDED if kind == "session" else OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args: object) -> bool:
        return True

    def check_channel_shell_request(self, channel: paramiko.Channel) -> bool:
        return True


_PAGE = 20  # lines per page when the device pages


class _Shell:
    """An interactive shell with the device's prompts and commands."""

    def __init__(self, device: SimulatedDevice, channel: paramiko.Channel) -> None:
        self.device = device
        self.channel = channel
        self.paging = True
        self.privileged = device.enable_secret is None
        self.configuring = False  # nec_ix: in global configuration mode
        self.pending = ""  # typed characters read past the end of the last line

    def prompt(self) -> str:
        name = self.device.hostname
        if self.device.dialect == "fortinet":
            return f"{name} # "
        if self.device.dialect == "nec_ix":
            return f"{name}(config)#" if self.configuring else f"{name}#"
        return f"{name}#" if self.privileged else f"{name}>"

    def send(self, text: str) -> None:
        self.channel.sendall(text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"))

    def run(self) -> None:
        if self.device.fault == "no_prompt":
            self.send("\nWelcome\n")
            self.device._stopping.wait(30)
            return
        self.send("\n" + self.prompt())
        while True:
            line = self._read_line()
            if line is None:
                return
            if not self._command(line.strip()):
                return

    def _read_line(self, echo: bool = True) -> str | None:
        """One typed line; what was typed after it in the same write waits for the next call (netmiko
        writes ``\nterminal length 0\n`` at once)."""
        buffer = ""
        while True:
            if not self.pending:
                try:
                    data = self.channel.recv(1024)
                except (OSError, EOFError):
                    return None
                if not data:
                    return None
                self.pending = data.decode("utf-8", "replace")
            text, self.pending = self.pending, ""
            for index, character in enumerate(text):
                if character in "\r\n":
                    if echo:
                        self.send("\n")
                    rest = text[index + 1 :]
                    self.pending = rest[1:] if character == "\r" and rest.startswith("\n") else rest
                    return buffer
                buffer += character
                if echo:
                    self.send(character)

    def _command(self, command: str) -> bool:
        """Run one command; False ends the session."""
        lowered = command.lower()
        if self.device.dialect == "nec_ix":
            return self._nec_ix(lowered)
        if lowered in ("exit", "quit", "logout"):
            return False
        if self.device.dialect == "yamaha":
            return self._yamaha(lowered)
        if self.device.dialect == "fortinet":
            return self._fortinet(lowered)
        if lowered == "terminal length 0" or lowered.startswith("terminal width"):
            self.paging = self.paging if self.device.fault == "ignores_paging" else False
        elif lowered == "enable":
            self._enable("Password: ")
            return True
        elif lowered == "show running-config":
            return self._configuration()
        elif lowered == "show version":
            self._output(self.device.facts)
        elif command:
            self.send("% Invalid input detected at '^' marker.\n")
        self.send(self.prompt())
        return True

    def _yamaha(self, command: str) -> bool:
        if command == "console lines infinity":
            self.paging = self.paging if self.device.fault == "ignores_paging" else False
        elif command == "administrator":
            self._enable("Password: ")
            return True
        elif command == "show config" and not self.privileged:
            self.send("エラー: このコマンドは管理ユーザーのみが実行できます\n")
        elif command == "show config":
            return self._configuration()
        elif command == "show environment":
            self._output(self.device.facts)
        elif command:
            self.send("エラー: コマンドが見つかりません\n")
        self.send(self.prompt())
        return True

    def _fortinet(self, command: str) -> bool:
        answers = {
            "get system status | grep virtual": "Virtual domain configuration: disable\n",
            "get system status | grep version": "Version: FortiGate-60F v7.2.8,build1639,240313 (GA.M)\n",
            "get system console": f"output              : {self.device.console_output}\n",
        }
        if command in answers:
            self.send(answers[command])
        elif command == "config system console" and self.device.read_only:
            self.send("Command fail. Return code -37\n")
        elif command == "set output standard" and not self.device.read_only:
            self.device.console_output = "standard"
        elif command == "set output more" and not self.device.read_only:
            self.device.console_output = "more"
        elif command == "show full-configuration":
            self.paging = self.device.console_output == "more"
            return self._configuration()
        elif command == "get system status":
            self._output(self.device.facts)
        elif command and command not in ("config system console", "end"):
            self.send("Unknown action 0\n")
        self.send(self.prompt())
        return True

    def _nec_ix(self, command: str) -> bool:
        if command in ("exit", "quit", "logout") and not self.configuring:
            return False
        if command in ("svintr-config", "configure", "enable-config"):
            self.configuring = True
        elif command == "exit":
            self.configuring = False
        elif command == "terminal length 0" and self.configuring:
            self.paging = self.paging if self.device.fault == "ignores_paging" else False
        elif command == "show running-config":
            return self._configuration()
        elif command in ("show version", "show hardware"):
            self._output(self.device.facts)
        elif command:
            self.send("% Unknown command.\n")
        self.send(self.prompt())
        return True

    def _enable(self, ask: str) -> None:
        self.send(ask)
        secret = self._read_line(echo=False)
        self.send("\n")
        if secret is not None and secret == self.device.enable_secret:
            self.privileged = True
        else:
            self.send("% Access denied\n")
        self.send(self.prompt())

    def _configuration(self) -> bool:
        text = self.device.config
        if self.device.dialect == "cisco_ios":
            text = f"Building configuration...\n\nCurrent configuration : {len(text.encode())} bytes\n{text}"
        if self.device.fault == "truncated":
            text = "\n".join(text.splitlines()[:-3]) + "\n"
        if self.device.fault == "endless":  # prints until the client goes away (bounded here too)
            for _ in range(200_000):
                if self.channel.closed or self.device._stopping.is_set():
                    return False
                try:
                    self.send("ip access-list extended ENDLESS\n permit ip any any\n" * 50)
                except OSError:
                    return False
            return False
        if self.device.fault == "drop_mid_output":
            lines = text.splitlines(keepends=True)
            self.send("".join(lines[: len(lines) // 2]))
            time.sleep(0.1)
            self.channel.close()
            return False
        self._output(text)
        self.send(self.prompt())
        return True

    def _output(self, text: str) -> None:
        lines = text.splitlines(keepends=True)
        if self.device.slow_output and not self.paging:
            for start in range(0, len(lines), _PAGE):
                self.send("".join(lines[start : start + _PAGE]))
                time.sleep(self.device.slow_output)
            return
        if not self.paging or len(lines) <= _PAGE:
            self.send(text)
            return
        for start in range(0, len(lines), _PAGE):
            self.send("".join(lines[start : start + _PAGE]))
            if start + _PAGE < len(lines):
                self.send("---つづく---" if self.device.dialect == "yamaha" else " --More-- ")
                reply = self.channel.recv(16)
                if not reply or (reply.strip(b" ") not in (b"", b"\r", b"\n") and reply[:1] != b" "):
                    return
                self.send("\r          \r")


def free_port() -> int:
    """A loopback port nothing listens on."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind((LOOPBACK, 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


def large_config(kilobytes: int) -> str:
    """The sample pharmacy's config grown to ``kilobytes`` with ACL lines (a hospital-sized config)."""
    lines = (
        (Path(__file__).resolve().parents[1] / "inventory" / "configs" / "aoba-rtr1.cfg")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    end = lines.index("end")
    acl = ["ip access-list extended LARGE"]
    size = sum(len(line) + 1 for line in lines)
    while size < kilobytes * 1024:
        n = len(acl)
        acl.append(f" permit tcp 10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256} 0.0.0.255 any eq {1024 + n % 60000}")
        size += len(acl[-1]) + 1
    return "\n".join([*lines[:end], *acl, *lines[end:]]) + "\n"
