"""The example dashboards, as the tests see them."""
from __future__ import annotations

from pathlib import Path

from livedash.spec.loading import check

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "dashboards").glob("*.yaml"))


def plan_of(path: Path):
    plan, errors = check(path)
    assert plan is not None, "\n".join(e.format() for e in errors)
    return plan


# JavaScript: a digest of everything the browser holds for the page's data.
DIGEST_JS = """() => {
  const out = [];
  for (const doc of Bokeh.documents) {
    for (const m of doc.all_models) {
      if (m.data !== undefined && m.selected !== undefined) {
        const cols = Object.keys(m.data).sort();
        const parts = [];
        for (const c of cols) {
          const col = m.data[c];
          const n = col.length;
          parts.push(c + ':' + n + ':' + (n ? String(col[n - 1]) : ''));
        }
        out.push(parts.join(','));
      } else if (m.value !== undefined && m.name !== undefined &&
                 typeof m.value !== 'object') {
        out.push('v:' + String(m.value));
      }
    }
  }
  return out.sort().join('|');
}"""

ROWS_JS = """() => {
  let rows = 0;
  for (const doc of Bokeh.documents)
    for (const m of doc.all_models)
      if (m.data !== undefined && m.selected !== undefined) {
        const cols = Object.keys(m.data);
        if (cols.length) rows += m.data[cols[0]].length;
      }
  return rows;
}"""
