"""Where a server address is, from the IP database geoip2fast ships in its wheel (offline).

The data is MaxMind's GeoLite2 Country as packaged by geoip2fast 1.2.2
(``source_info``: GeoLite2-Country, 2024-06-18; CC BY-SA 4.0). No lookup
service is ever asked. Mainland China is ``CN``; Hong Kong, Macao and Taiwan
have their own codes (HK, MO, TW) and are not the mainland.
"""

from __future__ import annotations

import ipaddress
import threading
from functools import cache
from typing import Any

_lock = threading.Lock()


@cache
def _database(version: int) -> Any:
    from geoip2fast import GeoIP2Fast  # type: ignore[import-untyped]

    with _lock:
        if version == 6:
            return GeoIP2Fast(geoip2fast_data_file="geoip2fast-ipv6.dat.gz")
        return GeoIP2Fast()


def country_of(address: str) -> str:
    """The ISO country code of a public address, or '' when the database does not place it."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_global:
        return ""
    try:
        code = str(_database(ip.version).lookup(str(ip)).country_code or "")
    except Exception:  # the database answers every address; a corrupt file must not stop a scan
        return ""
    return "" if code in ("--", "") or len(code) != 2 else code


def data_source() -> str:
    """The database's own description of its source and date."""
    info = _database(4).get_database_info()
    return str(info.get("source_info", ""))
