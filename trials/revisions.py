"""Differences between two criteria revisions, node by node: nodes pair up by lineage (a
node and its copies in later revisions share it), so an edited threshold reads as one change,
old → new, rather than a removal and an addition."""

from __future__ import annotations

from dataclasses import dataclass

from trials.checks import VocabularyContext
from trials.models import CriteriaRevision, Criterion


@dataclass(frozen=True)
class NodeChange:
    change: str  # "added", "removed" or "changed"
    kind: str  # "Inclusion" or "Exclusion", in the active language
    old: str = ""
    new: str = ""


def _nodes(revision: CriteriaRevision) -> dict[int, Criterion]:
    found: dict[int, Criterion] = {}

    def walk(node: Criterion) -> None:
        found[node.lineage] = node
        for child in node.tree_children:
            walk(child)

    for root in revision.root_criteria():
        walk(root)
    return found


def _text(node: Criterion, ctx: VocabularyContext) -> str:
    if node.is_group:
        return node.get_node_type_display()
    text = ctx.describe(node.to_node())
    return f"{text} — “{node.source_text}”" if node.source_text else text


def _kind(node: Criterion) -> str:
    return str(Criterion.Kind(node.kind).label)


def _own(node: Criterion) -> tuple:
    """What a node says by itself (a group's members are compared as nodes of their own)."""
    shape = node.shape
    shape.pop("children", None)
    return (node.kind, node.parent_lineage, shape, node.source_text)


def compare(old: CriteriaRevision, new: CriteriaRevision, ctx: VocabularyContext) -> list[NodeChange]:
    """What `new` adds, removes and changes relative to `old`, in `new`'s tree order (the
    removed nodes last)."""
    before, after = _nodes(old), _nodes(new)
    for nodes in (before, after):
        lineage_of = {node.pk: node.lineage for node in nodes.values()}
        for node in nodes.values():
            node.parent_lineage = lineage_of.get(node.parent_id)
    changes = []
    for lineage, node in after.items():
        earlier = before.get(lineage)
        if earlier is None:
            changes.append(NodeChange("added", _kind(node), new=_text(node, ctx)))
        elif _own(earlier) != _own(node):
            changes.append(NodeChange("changed", _kind(node), old=_text(earlier, ctx), new=_text(node, ctx)))
    for lineage, node in before.items():
        if lineage not in after:
            changes.append(NodeChange("removed", _kind(node), old=_text(node, ctx)))
    return changes
