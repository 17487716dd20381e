import os

import pytest

from civitas.core.backups import services


@pytest.mark.parametrize("mount_point", [False, True])
def test_media_swap_replaces_the_whole_tree(settings, tmp_path, monkeypatch, mount_point):
    """Both ways of swapping MEDIA_ROOT, on real files. Whether MEDIA_ROOT is a mount point
    (a volume that cannot be renamed) cannot be arranged without privileges, so only that
    answer is forced."""
    media = tmp_path / "media"
    (media / "old").mkdir(parents=True)
    (media / "old" / "gone.txt").write_text("old")
    (media / "kept.txt").write_text("old version")
    new = tmp_path / "extracted" / "media"
    (new / "docs").mkdir(parents=True)
    (new / "kept.txt").write_text("restored version")
    (new / "docs" / "a.pdf").write_bytes(b"%PDF-1.7")
    settings.MEDIA_ROOT = str(media)
    monkeypatch.setattr(os.path, "ismount", lambda _p: mount_point)

    services._swap_media(new)

    files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*"))
    assert files == ["docs", "docs/a.pdf", "kept.txt"]
    assert (media / "kept.txt").read_text() == "restored version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["extracted", "media"]
