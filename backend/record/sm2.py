"""SM2 signatures over SM3 digests (国密, GB/T 32918 / GB/T 35276), on `gmssl`.

`gmssl` (pure Python) does the curve arithmetic and SM3; this module adds what it leaves
to the caller: a nonce from `secrets` (gmssl's default nonce comes from `random`), strict
DER signatures with r and s in [1, n-1], a public key checked to lie on the curve, keys in
the standard PEM forms (SEC 1 "EC PRIVATE KEY" and SubjectPublicKeyInfo, curve OID
1.2.156.10197.1.301) so OpenSSL and other 国密 tools read them, and the default signer ID
"1234567812345678" (GB/T 35276). tests/test_record_seal.py checks it against OpenSSL.
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass

from gmssl import sm2 as _gm
from gmssl import sm3 as _sm3

ALGORITHM = "SM2-with-SM3"
_CURVE = _gm.default_ecc_table
N = int(_CURVE["n"], 16)
P = int(_CURVE["p"], 16)
A = int(_CURVE["a"], 16)
B = int(_CURVE["b"], 16)
_G = _CURVE["g"]
_SM2_OID = bytes.fromhex("06082a811ccf5501822d")
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d0201") + _SM2_OID + bytes.fromhex("03420004")
_SEC1_PREFIX = bytes.fromhex("3077020101")
_PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----\s*([A-Za-z0-9+/=\s]+?)-----END \1-----")


class KeyError_(ValueError):
    """A key file or public key that is not an SM2 key in the expected form."""


def sm3_hex(data: bytes) -> str:
    return str(_sm3.sm3_hash(list(data)))


def _on_curve(x: int, y: int) -> bool:
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def _crypt(public_hex: str, private_hex: str = "") -> _gm.CryptSM2:
    c = _gm.CryptSM2(private_key=private_hex, public_key="00")
    # Set directly: the constructor's `lstrip("04")` eats leading 0/4 digits of some keys.
    c.public_key = public_hex
    return c


def _pem(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"


def _pem_body(text: str, label: str) -> bytes:
    for found, body in _PEM.findall(text):
        if found == label:
            return base64.b64decode("".join(body.split()))
    raise KeyError_(f"不是 {label} 格式的 PEM")


@dataclass(frozen=True, slots=True)
class PublicKey:
    x: int
    y: int

    @property
    def hex(self) -> str:
        return f"{self.x:064x}{self.y:064x}"

    def der(self) -> bytes:
        return _SPKI_PREFIX + bytes.fromhex(self.hex)

    def pem(self) -> str:
        return _pem("PUBLIC KEY", self.der())

    @property
    def key_id(self) -> str:
        """SM3 of the SubjectPublicKeyInfo (DER), hex: names the key in a seal."""
        return sm3_hex(self.der())

    @classmethod
    def from_pem(cls, text: str) -> PublicKey:
        der = _pem_body(text, "PUBLIC KEY")
        if len(der) != len(_SPKI_PREFIX) + 64 or not der.startswith(_SPKI_PREFIX):
            raise KeyError_("不是SM2公钥（SubjectPublicKeyInfo，曲线 1.2.156.10197.1.301）")
        x, y = int.from_bytes(der[-64:-32]), int.from_bytes(der[-32:])
        if not _on_curve(x, y):
            raise KeyError_("公钥不在SM2曲线上")
        return cls(x, y)

    def verify(self, message: bytes, signature_der: bytes) -> bool:
        """True only for a strict DER signature (r, s in [1, n-1]) of `message` by this key."""
        rs = _decode_signature(signature_der)
        if rs is None:
            return False
        r, s = rs
        return bool(_crypt(self.hex).verify_with_sm3(f"{r:064x}{s:064x}", message))


@dataclass(frozen=True, slots=True)
class PrivateKey:
    d: int
    public: PublicKey

    @classmethod
    def generate(cls) -> PrivateKey:
        return cls.from_scalar(secrets.randbelow(N - 2) + 1)

    @classmethod
    def from_scalar(cls, d: int) -> PrivateKey:
        if not 1 <= d < N - 1:
            raise KeyError_("SM2私钥超出范围")
        point = _crypt("")._kg(d, _G)  # gmssl's scalar multiplication: d·G
        x, y = int(point[:64], 16), int(point[64:128], 16)
        return cls(d, PublicKey(x, y))

    def pem(self) -> str:
        der = (
            _SEC1_PREFIX
            + b"\x04\x20"
            + self.d.to_bytes(32)
            + b"\xa0\x0a"
            + _SM2_OID
            + b"\xa1\x44\x03\x42\x00\x04"
            + bytes.fromhex(self.public.hex)
        )
        return _pem("EC PRIVATE KEY", der)

    @classmethod
    def from_pem(cls, text: str) -> PrivateKey:
        der = _pem_body(text, "EC PRIVATE KEY")
        if len(der) != 121 or not der.startswith(_SEC1_PREFIX + b"\x04\x20"):
            raise KeyError_("不是SM2私钥（SEC 1 EC PRIVATE KEY，曲线 1.2.156.10197.1.301）")
        if der[39:51] != b"\xa0\x0a" + _SM2_OID:
            raise KeyError_("私钥的曲线不是SM2")
        key = cls.from_scalar(int.from_bytes(der[7:39]))
        if der[-64:] != bytes.fromhex(key.public.hex):
            raise KeyError_("私钥文件中的公钥与私钥不符")
        return key

    def sign(self, message: bytes) -> bytes:
        """The DER signature SEQUENCE {r, s} of SM3(Z_A || message), Z_A with the default ID."""
        crypt = _crypt(self.public.hex, f"{self.d:064x}")
        while True:
            k = secrets.randbelow(N - 1) + 1
            raw = crypt.sign_with_sm3(message, f"{k:064x}")
            if raw:  # gmssl returns None for the (negligible) r = 0 or r + k = n cases
                return _encode_signature(int(raw[:64], 16), int(raw[64:], 16))


def _der_int(v: int) -> bytes:
    body = v.to_bytes((v.bit_length() + 8) // 8, "big")
    return b"\x02" + bytes([len(body)]) + body


def _encode_signature(r: int, s: int) -> bytes:
    body = _der_int(r) + _der_int(s)
    return b"\x30" + bytes([len(body)]) + body


def _decode_signature(der: bytes) -> tuple[int, int] | None:
    """(r, s) of a strict DER SEQUENCE of two INTEGERs in [1, n-1]; None otherwise."""
    if len(der) < 8 or der[0] != 0x30 or der[1] != len(der) - 2:
        return None
    out: list[int] = []
    i = 2
    for _ in range(2):
        if i + 2 > len(der) or der[i] != 0x02:
            return None
        length = der[i + 1]
        body = der[i + 2 : i + 2 + length]
        if length == 0 or len(body) != length or length > 33:
            return None
        if body[0] & 0x80 or (length > 1 and body[0] == 0 and not body[1] & 0x80):
            return None  # negative or not minimally encoded
        out.append(int.from_bytes(body))
        i += 2 + length
    if i != len(der) or not all(1 <= v < N for v in out):
        return None
    return out[0], out[1]
