"""The civitas-schedule command line."""

import json

from civitas.scheduling.cli import main


def test_generate_solve_validate_roundtrip(tmp_path, capsys):
    inst = tmp_path / "event.json"
    res = tmp_path / "result.json"
    assert main(["generate", "--participants", "60", "--meetings", "100", "-o", str(inst)]) == 0
    assert main(["solve", str(inst), "-o", str(res), "--time-limit", "20", "-q"]) == 0
    assert json.loads(res.read_text())["format"] == "civitas-schedule-result/1"
    assert main(["validate", str(inst), str(res)]) == 0
    # incremental: keep the previous plan
    res2 = tmp_path / "result2.json"
    assert main(["solve", str(inst), "--keep", str(res), "-o", str(res2), "-q"]) == 0
    assert json.loads(res2.read_text())["assignments"] == json.loads(res.read_text())["assignments"]


def test_validate_reports_violations(tmp_path, capsys):
    inst = tmp_path / "event.json"
    res = tmp_path / "result.json"
    main(["generate", "--participants", "30", "--meetings", "40", "-o", str(inst)])
    main(["solve", str(inst), "-o", str(res), "-q"])
    data = json.loads(res.read_text())
    data["assignments"][1]["slot"] = data["assignments"][0]["slot"]
    data["assignments"][1]["table"] = data["assignments"][0]["table"]
    data["assignments"][1]["location"] = data["assignments"][0]["location"]
    data["unscheduled"].append({"meeting": "ghost", "reason": "x"})
    res.write_text(json.dumps(data))
    assert main(["validate", str(inst), str(res)]) == 1
    err = capsys.readouterr().err
    assert "table already used by meeting" in err
    assert "unknown meeting 'ghost'" in err


def test_invalid_instance_exit_code(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "civitas-schedule/1", "slots": []}))
    assert main(["solve", str(bad)]) == 2
    assert 'missing key "meetings"' in capsys.readouterr().err


def test_import_dzn(tmp_path):
    dzn = tmp_path / "x.dzn"
    dzn.write_text(
        "nBusiness = 3;\nnMeetings = 2;\nnTables = 1;\nnTotalSlots = 4;\nnMorningSlots = 2;\n"
        "requested = [|1, 2,1, \n|2, 3,2, \n|];\n"
        "forbidden = [{0},\n{3},\n{0}];\nfixed = [0,4];\nprecedences = [{},\n{}];\n"
    )
    out = tmp_path / "x.json"
    assert main(["import-dzn", str(dzn), "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["meetings"][0]["sessions"] == ["am"]
    assert data["meetings"][1]["fixed"] == {"slot": "s04", "location": "hall", "table": 1}
    assert data["participants"][1]["unavailable"] == ["s03"]
