"""The planning benchmark measures the whole projection and needs (figures, not assertions)."""

from __future__ import annotations

from benchmarks.planning import bench_planning
from mapping.datasets import Region


def test_bench_planning_covers_every_commune_horizon_and_variant(region: Region) -> None:
    (fig,) = bench_planning(region, None, repeat=1)
    assert fig.key == "planning.s" and fig.unit == "s"
    assert isinstance(fig.value, float) and fig.value > 0
    assert "251 communes x 2 horizons x 3 variants" in fig.label
    assert "9,036" in fig.note  # 3 variants x 3 years x 251 communes x 4 cycles
