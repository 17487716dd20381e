import pytest
from django.core.management import call_command

from civitas.core.backups import catalogue


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_backup_is_copied_off_the_server_and_a_failed_copy_is_flagged(
    backup_env, settings, capsys
):
    remote = backup_env / "remote"
    remote.mkdir()
    settings.CIVITAS_BACKUP_COPY_COMMAND = f"cp {{archive}} {{manifest}} '{remote}/'"
    call_command("backup")
    m = catalogue.all_backups()[0]
    assert m["offsite"]["ok"] is True
    assert (remote / m["file"]).read_bytes() == (catalogue.directory() / m["file"]).read_bytes()
    assert (remote / f"{m['id']}.json").exists()

    settings.CIVITAS_BACKUP_COPY_COMMAND = f"cp {{archive}} '{backup_env}/missing/dir/'"
    call_command("backup")
    failed = catalogue.all_backups()[0]
    assert failed["id"] != m["id"]
    assert failed["offsite"]["ok"] is False and "exit code" in failed["offsite"]["message"]
    assert "NOT copied off the server" in capsys.readouterr().err
    assert (catalogue.directory() / failed["file"]).exists()  # the backup itself stands
