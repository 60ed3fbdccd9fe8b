"""pyuvm test classes, one per TEST name. Importing this package registers them all."""

from lacosim.tests import host, hv, hv_vipi, hv_virtio, hv_vsw, lvz, programs, storm  # noqa: F401  (registers)
from lacosim.tests.base import LacosimTest

__all__ = ["LacosimTest", "host", "hv", "hv_vipi", "hv_virtio", "hv_vsw", "lvz", "programs", "storm"]
