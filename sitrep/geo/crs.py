"""A boundary file's coordinate system, and the change to longitude/latitude (WGS 84) it needs.

COD-AB files are mostly in WGS 84 already; some come in a national or UTM projection, and a
shapefile says which in its `.prj`. pyproj (PROJ) reads the definition in any form a file
writes it (ESRI or OGC WKT, `EPSG:32642`, an OGC URN) and changes the coordinates. A system on
another body (a `.prj` for Mars or the Moon) or one PROJ cannot read is a `ShapeError`: the
areas would be drawn in the wrong place, or nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from sitrep.geo.shapes import ShapeError

if TYPE_CHECKING:
    import numpy as np

EARTH_AXIS = (6_350_000.0, 6_400_000.0)  # metres: the semi-major axis of any Earth ellipsoid
LONLAT = {"EPSG:4326", "OGC:CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84", "URN:OGC:DEF:CRS:EPSG::4326"}

# an (n, 2) array of coordinates -> longitude/latitude (a string: numpy only when one is made)
Transform: TypeAlias = "Callable[[np.ndarray], np.ndarray]"


def to_lonlat(definition: str | None, where: str) -> Transform | None:
    """The change of coordinates a layer needs, or None when it is WGS 84 longitude/latitude
    already (or says nothing: the coordinates are then checked to be longitude/latitude)."""
    if definition is None or not definition.strip():
        return None
    if definition.strip().upper() in LONLAT:
        return None
    import numpy as np  # pyproj and numpy only for a file in another system
    from pyproj import CRS, Transformer  # reading a file only: a cached build skips it
    from pyproj.exceptions import CRSError  # reading a file only: a cached build skips it

    try:
        crs = CRS.from_user_input(definition.strip())
    except CRSError as exc:
        raise ShapeError(
            where, f"its coordinate system cannot be read ({_short(exc)}): is the .prj damaged?"
        ) from None
    ellipsoid = crs.ellipsoid
    axis = ellipsoid.semi_major_metre if ellipsoid is not None else None
    if axis is None or not EARTH_AXIS[0] <= axis <= EARTH_AXIS[1]:
        name = ellipsoid.name if ellipsoid is not None else "none"
        size = f"{axis / 1000:,.0f} km" if axis else "no size"
        raise ShapeError(
            where,
            f"its coordinate system is not on the Earth (ellipsoid {name!r}, {size}): a COD-AB "
            "file is in WGS 84 or a projection of the Earth",
        )
    if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return None
    transformer = Transformer.from_crs(crs, CRS.from_epsg(4326), always_xy=True)

    def change(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return change


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]
