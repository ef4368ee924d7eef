"""A schematic tile map of Wuhan's 13 districts and 4 functional zones (not a boundary map).

No district boundary data could be obtained for this project, so each area is one tile placed roughly where
it lies: Hankou's districts north of the Yangtze, Wuchang's east of it, Hanyang's west, the new districts
around them. Columns run west → east, rows north → south. The screen says it is schematic.
"""

from __future__ import annotations

# (unit code, name, column 1–6, row 1–6)
TILES: tuple[tuple[str, str, int, int], ...] = (
    ("420116", "黄陂区", 3, 1),
    ("420117", "新洲区", 5, 1),
    ("420112", "东西湖区", 2, 2),
    ("420102", "江岸区", 4, 2),
    ("420100K04", "长江新区", 5, 2),
    ("420114", "蔡甸区", 1, 3),
    ("420104", "硚口区", 2, 3),
    ("420103", "江汉区", 3, 3),
    ("420107", "青山区", 5, 3),
    ("420105", "汉阳区", 2, 4),
    ("420106", "武昌区", 4, 4),
    ("420100K03", "东湖生态旅游风景区", 5, 4),
    ("420113", "汉南区", 1, 5),
    ("420100K02", "武汉经济技术开发区", 2, 5),
    ("420111", "洪山区", 4, 5),
    ("420100K01", "东湖新技术开发区", 5, 5),
    ("420115", "江夏区", 4, 6),
)
