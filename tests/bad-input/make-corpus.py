#!/usr/bin/python3
"""make-corpus.py --ecgwb ECGWB --out DIR [--source ROOT]

The bad-input corpus: damaged copies of valid files that ECG Workbench itself writes (a
synthetic record from `ecgwb synth`, a tiny CardiacCNN_Distilled model from `ecgwb train`, a run
store from `ecgwb prune`, small PTB-XL tables), one folder per case under DIR/cases, and
DIR/manifest.json listing them for tests/bad-input/test-bad-input.c:

  {"valid": {"data": DIR/valid, "record": "rec"},
   "cases": [{"id": ..., "command": "info" | "beats" | "evaluate" | "runs",
              "path": the file or record path given to the command,
              "api": "record" | "record-checked" | "labels" | "model" | "store",
              "names": text the one-line message must contain (the file's name),
              "problem": text describing the problem that the message must contain}, ...]}

Standard library only (json, hashlib, sqlite3, struct, random); run with /usr/bin/python3.
Everything is generated at test time into the build folder; no binary is committed.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import struct
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--ecgwb", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--source", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "..", ".."))
args = ap.parse_args()

out = os.path.abspath(args.out)
valid = os.path.join(out, "valid")
cases_dir = os.path.join(out, "cases")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(valid)
os.makedirs(cases_dir)
env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
demo = os.path.join(os.path.abspath(args.source), "data", "demo")


def ecgwb(*argv):
    result = subprocess.run([args.ecgwb, *argv], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit("make-corpus.py: ecgwb %s failed: %s" % (" ".join(argv), result.stderr))


# ---- the valid files ------------------------------------------------------------------------
ecgwb("synth", "--out", valid, "--name", "rec", "--duration", "4", "--fs", "360", "--seed", "1",
      "--format", "212", "--heart-rate", "75")
ecgwb("train", "--arch", "CardiacCNN_Distilled", "--data", demo, "--train-records", "demo1",
      "--val-records", "none", "--epochs", "1", "--out", os.path.join(valid, "tiny.ecgm"))
ecgwb("prune", "--model", os.path.join(valid, "tiny.ecgm"), "--data", demo, "--train-records",
      "demo1", "--val-records", "demo3", "--test-records", "demo2", "--steps", "1",
      "--finetune-epochs", "0", "--latency-repeats", "1", "--store",
      os.path.join(valid, "runs.db"))


def read(name):
    with open(os.path.join(valid, name), "rb") as f:
        return f.read()


HEA = read("rec.hea").decode()
DAT = read("rec.dat")
ATR = read("rec.atr")
MODEL = read("tiny.ecgm")
STORE = read("runs.db")
HEA_LINES = HEA.splitlines()  # record line, two signal lines
rng = random.Random(20240601)
manifest = {"valid": {"data": valid, "record": "rec"}, "cases": []}


def case(case_id, command, files, main, api, names, problem):
    """Writes `files` ({name: bytes or str or None to leave out}) into cases/case_id and lists
    the case; `main` is the path given to the command, relative to the case folder."""
    folder = os.path.join(cases_dir, case_id)
    os.makedirs(folder)
    for name, content in files.items():
        if content is None:
            continue
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
    manifest["cases"].append({"id": case_id, "command": command,
                              "path": os.path.join(folder, main), "api": api, "names": names,
                              "problem": problem})


def record_case(case_id, hea=None, dat=None, atr=None, command="info", names="rec.hea",
                problem="", api=None):
    """A record "rec" with the valid files unless replaced (pass b"" for an empty file and
    False to leave the file out)."""
    files = {"rec.hea": HEA if hea is None else hea, "rec.dat": DAT if dat is None else dat,
             "rec.atr": ATR if atr is None else atr}
    files = {k: (None if v is False else v) for k, v in files.items()}
    if api is None:
        api = "record-checked" if command == "beats" else "record"
    case(case_id, command, files, "rec", api, names, problem)


def header(record_line=None, signal=None, both=None):
    """The valid header with the record line, the first signal line, or both signal lines
    replaced."""
    lines = list(HEA_LINES)
    if record_line is not None:
        lines[0] = record_line
    if signal is not None:
        lines[1] = signal
    if both is not None:
        lines[1] = lines[2] = both
    return "\n".join(lines) + "\n"


SIG = HEA_LINES[1].split()  # rec.dat 212 200(0)/mV 12 0 initial checksum 0 MLII


def signal_line(**fields):
    f = list(SIG)
    for index, value in fields.items():
        f[int(index[1:])] = value
    return " ".join(f)


# ---- WFDB headers (ecgwb info) ----------------------------------------------------------------
record_case("hea-empty", hea=b"", problem="no record line")
record_case("hea-truncated", hea=HEA[: HEA.index("\n", len(HEA_LINES[0]) + 1) - 20],
            problem="signal lines follow")
record_case("hea-garbage-binary", hea=bytes(rng.randrange(256) for _ in range(300)) + b"\0",
            problem="NUL bytes")
record_case("hea-garbage-text",
            hea="".join(rng.choice("abcxyz/()+:#~ \t.-0123456789") for _ in range(200)) + "\n",
            problem="line")
record_case("hea-nsig-0", hea=header("rec 0 360 1440"), problem="signal count 0 is out of range")
record_case("hea-nsig-1e9", hea=header("rec 1000000000 360 1440"),
            problem="signal count 1000000000 is out of range")
record_case("hea-nsig-negative", hea=header("rec -2 360 1440"),
            problem="signal count -2 is out of range")
record_case("hea-nsig-text", hea=header("rec two 360 1440"),
            problem="signal count 'two' is not an integer")
record_case("hea-fs-0", hea=header("rec 2 0 1440"), problem="sampling frequency 0 must be positive")
record_case("hea-fs-nan", hea=header("rec 2 NaN 1440"),
            problem="sampling frequency 'NaN' is not a number")
record_case("hea-fs-inf", hea=header("rec 2 inf 1440"),
            problem="sampling frequency 'inf' is not a number")
record_case("hea-fs-negative", hea=header("rec 2 -360 1440"),
            problem="sampling frequency -360 must be positive")
record_case("hea-fs-overflow", hea=header("rec 2 1e999 1440"),
            problem="sampling frequency '1e999' is not a number")
record_case("hea-nsamp-negative", hea=header("rec 2 360 -1440"),
            problem="number of samples -1440 is out of range")
record_case("hea-nsamp-huge", hea=header("rec 2 360 100000000000000"), names="rec.dat",
            problem="truncated: 1440 of 100000000000000 frames")
record_case("hea-gain-negative", hea=header(both=signal_line(f2="-200(0)/mV")),
            problem="gain -200(0)/mV is negative")
record_case("hea-gain-nan", hea=header(both=signal_line(f2="nan/mV")),
            problem="gain 'nan/mV' is not a number")
record_case("hea-baseline-malformed", hea=header(both=signal_line(f2="200(zero)/mV")),
            problem="baseline in '200(zero)/mV' is malformed")
record_case("hea-adc-resolution-40", hea=header(both=signal_line(f3="40")),
            problem="ADC resolution 40 is out of range")
record_case("hea-checksum-out-of-range", hea=header(both=signal_line(f6="99999")),
            problem="checksum 99999 is out of range")
record_case("hea-format-unknown", hea=header(both=signal_line(f1="999")), names="rec.dat",
            problem="signal format 999 is not supported")
record_case("hea-format-310", hea=header(both=signal_line(f1="310")), names="rec.dat",
            problem="signal format 310 is not supported")
record_case("hea-format-garbage", hea=header(both=signal_line(f1="212q")),
            problem="format field '212q' is malformed")
record_case("hea-formats-mixed", hea=header(signal=signal_line(f1="16")), names="rec.dat",
            problem="must share a format")
record_case("hea-multi-segment", hea=header("rec/2 2 360 1440"),
            problem="multi-segment record")
record_case("hea-null-signal", hea=header(both=signal_line(f0="~")),
            problem="null signals ('~') are not supported")
record_case("hea-signal-file-parent", hea=header(both=signal_line(f0="../rec.dat")),
            problem="signal file '../rec.dat' leaves the record's folder")
record_case("hea-signal-file-absolute", hea=header(both=signal_line(f0="/etc/passwd")),
            problem="signal file '/etc/passwd' leaves the record's folder")
record_case("hea-signal-file-missing", hea=header(both=signal_line(f0="gone.dat")),
            names="gone.dat", problem="No such file")
record_case("hea-byte-offset-past-end", hea=header(both=signal_line(f1="212+999999")),
            names="rec.dat", problem="byte offset 999999 lies past the end of the file")

# ---- signal files (ecgwb info; a checksum mismatch through ecgwb beats) ----------------------
record_case("dat-missing", dat=False, names="rec.dat", problem="No such file")
record_case("dat-empty", dat=b"", names="rec.dat", problem="truncated: 0 of 1440 frames")
record_case("dat-truncated", dat=DAT[: len(DAT) // 2], names="rec.dat",
            problem="truncated: 720 of 1440 frames")
flipped = bytearray(DAT)
flipped[99] ^= 0x10  # the low bits of a sample of signal 0 (pair 33)
record_case("dat-bit-flip-checksum", dat=bytes(flipped), command="beats", names="rec.dat",
            problem="checksum of signal 0 (MLII)")

# ---- annotation files (ecgwb beats) ------------------------------------------------------------
record_case("atr-odd-length", atr=ATR + b"\x01", command="beats", names="rec.atr",
            problem="odd length")
record_case("atr-truncated-skip", atr=b"\x0a\x04\x00\xec\x00\x00", command="beats",
            names="rec.atr", problem="truncated at byte")
record_case("atr-skip-before-start", atr=b"\x00\xec\xff\xff\x00\x00\x0a\x04\x00\x00",
            command="beats", names="rec.atr", problem="moves time before the record's start")
record_case("atr-truncated-aux", atr=b"\x0a\x04\xc8\xfc(AFI", command="beats",
            names="rec.atr", problem="truncated at byte")
record_case("atr-modifier-first", atr=b"\x03\xf4\x0a\x04\x00\x00", command="beats",
            names="rec.atr", problem="SUB modifier at byte 0 precedes the first annotation")
record_case("atr-unknown-code", atr=b"\x0a\x04\x0a\xdc" + ATR, command="beats",
            names="rec.atr", problem="unknown annotation code 55")

# ---- PTB-XL tables above a record (ecgwb info reads the labels) --------------------------------
STATEMENTS = (",description,diagnostic,diagnostic_class\n"
              "NORM,normal ECG,1.0,NORM\n"
              "IMI,\"inferior myocardial infarction, old\",1.0,MI\n"
              "SR,sinus rhythm,,\n")
DATABASE_HEADER = "ecg_id,patient_id,strat_fold,filename_lr,filename_hr,scp_codes\n"
ROW = "1,15709.0,3,records100/00000/rec,records500/00000/rec_hr,\"{'NORM': 100.0, 'SR': 0.0}\"\n"


def ptbxl_case(case_id, database=None, statements=None, problem="", names="ptbxl_database.csv"):
    files = {"ptbxl_database.csv": DATABASE_HEADER + ROW if database is None else database,
             "scp_statements.csv": STATEMENTS if statements is None else statements,
             "records100/00000/rec.hea": HEA, "records100/00000/rec.dat": DAT}
    files = {k: (None if v is False else v) for k, v in files.items()}
    case(case_id, "info", files, "records100/00000/rec", "labels", names, problem)


ptbxl_case("csv-quote-inside-field",
           database=DATABASE_HEADER + ROW.replace("15709.0", "157\"09.0"),
           problem="line 2: broken quoting")
ptbxl_case("csv-quote-never-closed", database=DATABASE_HEADER + ROW[:-3],
           problem="line 2: quoted field is never closed")
ptbxl_case("csv-text-after-quote",
           database=DATABASE_HEADER + ROW.replace("0.0}\"", "0.0}\"x"),
           problem="line 2: broken quoting")
ptbxl_case("csv-missing-column", database=DATABASE_HEADER.replace("strat_fold", "fold") + ROW,
           problem="line 1: no column 'strat_fold'")
ptbxl_case("csv-row-too-short", database=DATABASE_HEADER + "2,1.0,3\n" + ROW,
           problem="line 2: 3 fields, the header has 6")
ptbxl_case("csv-fold-11", database=DATABASE_HEADER + ROW.replace(",3,", ",11,"),
           problem="strat_fold '11' is not a whole number in 1..10")
ptbxl_case("csv-scp-codes-unclosed", database=DATABASE_HEADER + ROW.replace("0.0}", "0.0"),
           problem="missing '}'")
ptbxl_case("csv-code-not-in-statements", database=DATABASE_HEADER + ROW.replace("'SR'", "'XX'"),
           problem="code 'XX' is not in scp_statements.csv")
ptbxl_case("csv-not-utf8", database=(DATABASE_HEADER + ROW).encode().replace(b"15709", b"\xff\xfe"),
           problem="line 2: not UTF-8 text")
ptbxl_case("csv-statements-missing", statements=False, names="scp_statements.csv",
           problem="No such file")

# ---- model files (ecgwb evaluate --model) ------------------------------------------------------
def sections(data):
    """[(tag, flags, payload)] of a model file (valid layout assumed)."""
    n = struct.unpack_from("<I", data, 12)[0]
    pos, result = 16, []
    for _ in range(n):
        tag = data[pos:pos + 4]
        flags, length = struct.unpack_from("<IQ", data, pos + 4)
        result.append((tag, flags, data[pos + 16:pos + 16 + length]))
        pos += 16 + length + 8
    return result


def join(secs, version=1):
    """A model file from sections, with correct checksums (SHA-256 of header + payload)."""
    data = b"ECGWBMDL" + struct.pack("<II", version, len(secs))
    for tag, flags, payload in secs:
        head = tag + struct.pack("<IQ", flags, len(payload))
        data += head + payload + hashlib.sha256(head + payload).digest()[:8]
    return data


def model_case(case_id, data, problem):
    case(case_id, "evaluate", {"bad.ecgm": data}, "bad.ecgm", "model", "bad.ecgm", problem)


SECS = sections(MODEL)
assert join(SECS) == MODEL, "the model file layout changed; update make-corpus.py"
parm_offset = 16  # where the PARM section starts
for tag, flags, payload in SECS:
    if tag == b"PARM":
        break
    parm_offset += 16 + len(payload) + 8
model_case("model-empty", b"", "empty file")
model_case("model-truncated-header", MODEL[:10], "shorter than the 16-byte header")
model_case("model-truncated-half", MODEL[: len(MODEL) // 2], "truncated")
model_case("model-truncated-last-byte", MODEL[:-1], "truncated")
model_case("model-garbage", bytes(rng.randrange(256) for _ in range(4096)), "wrong magic")
flipped = bytearray(MODEL)
flipped[3] ^= 0x01
model_case("model-bit-flip-magic", bytes(flipped), "wrong magic")
flipped = bytearray(MODEL)
flipped[parm_offset + 16 + 1000] ^= 0x40
model_case("model-bit-flip-payload", bytes(flipped), "section 'PARM'")
flipped = bytearray(MODEL)
flipped[parm_offset + 8 + 5] ^= 0x80  # the payload length: far past the end
model_case("model-bit-flip-length", bytes(flipped), "truncated: section 'PARM'")
model_case("model-newer-version", MODEL[:8] + struct.pack("<I", 7) + MODEL[12:],
           "format version 7 is newer")
model_case("model-trailing-bytes", MODEL + b"\0" * 13, "13 unexpected bytes")
nan_secs = [(t, f, (struct.pack("<f", float("nan")) + p[4:]) if t == b"PARM" else p)
            for t, f, p in SECS]
model_case("model-nan-parameter", join(nan_secs), "must not hold NaN or Inf")
deep = 200000
deep_secs = [(t, f, (p[:-1] + b',"x":' + b"[/*]*/" * deep + b"]" * deep + b"}")
              if t == b"HEAD" else p) for t, f, p in SECS]
model_case("model-head-nested-in-comments", join(deep_secs), "not strict JSON")
unknown_secs = SECS + [(b"ZZZZ", 1, b"future")]
model_case("model-unknown-required-section", join(unknown_secs), "required section 'ZZZZ'")

# ---- run stores (ecgwb runs list --store) ------------------------------------------------------
def store_case(case_id, data, problem):
    case(case_id, "runs", {"bad.db": data}, "bad.db", "store", "bad.db", problem)


def edited_store(sql):
    """The valid store after `sql` (run through Python's sqlite3, as a damaged or foreign
    program's write would leave it)."""
    path = os.path.join(out, "edit.db")
    with open(path, "wb") as f:
        f.write(STORE)
    db = sqlite3.connect(path)
    db.executescript(sql)
    db.commit()
    db.close()
    with open(path, "rb") as f:
        data = f.read()
    os.remove(path)
    return data


case("store-missing", "runs", {}, "bad.db", "store", "bad.db", "no such run store")
store_case("store-truncated", STORE[:3000], "bad.db")
store_case("store-garbage", bytes(rng.randrange(256) for _ in range(8192)), "not a database")
flipped = bytearray(STORE)
flipped[0] ^= 0x20  # "SQLite format 3" -> "sQLite format 3"
store_case("store-bit-flip-magic", bytes(flipped), "not a database")
flipped = bytearray(STORE)
flipped[100] = 0xFF  # the page type of page 1 (the schema's b-tree)
store_case("store-bit-flip-schema-page", bytes(flipped), "malformed")
store_case("store-other-program", edited_store(
    "PRAGMA application_id = 0; CREATE TABLE notes (x);"),
    "not a run store")
store_case("store-newer-schema", edited_store("PRAGMA user_version = 99;"),
           "schema version 99 is newer")
store_case("store-config-not-json", edited_store("UPDATE runs SET config = '{\"steps\": ';"),
           "the config of run 1 is not a JSON object")
store_case("store-config-nested-in-comments",
           edited_store("UPDATE runs SET config = '{\"a\":' || replace(hex(zeroblob(100000)), "
                        "'00', '[/*]*/') || '}';"),
           "not strict JSON nested at most 64 levels deep")
store_case("store-unknown-status", edited_store(
    "PRAGMA ignore_check_constraints = 1; UPDATE runs SET status = 'paused';"),
    "unknown kind 'prune' or status 'paused'")

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print("%d cases in %s" % (len(manifest["cases"]), cases_dir))
