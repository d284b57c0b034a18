#!/usr/bin/env python3
"""Independent check of the built-in role figures pinned in src/effective/builtins_tests.rs.

Reads the raw snapshot (../shared/azure-snapshot), NOT data/, and evaluates roles with a
matcher written from the rule text (regex): `*` = any run; in azure mode a `/*/` may also
match a single `/`. Run from the repository root: python3 tests/tools/verify_builtin_figures.py
"""
import json, os, re, sys
from itertools import product

SNAP = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "azure-snapshot")
if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
    SNAP = sys.argv[1]

ops = {False: {}, True: {}}  # plane(is_data) -> lower -> first spelling
for f in sorted(os.listdir(os.path.join(SNAP, "provider-operations"))):
    d = json.load(open(os.path.join(SNAP, "provider-operations", f), encoding="utf-8"))
    provs = d if isinstance(d, list) else [d]
    for p in provs:
        lists = [p.get("operations") or []] + [rt.get("operations") or [] for rt in p.get("resourceTypes") or []]
        for l in lists:
            for o in l:
                ops[bool(o["isDataAction"])].setdefault(o["name"].lower(), o["name"])

def regex(pat, azure):
    p = pat.strip().lower()
    pieces = p.split("*")
    out = re.escape(pieces[0])
    for prev, nxt in zip(pieces, pieces[1:]):
        if azure and prev.endswith("/") and nxt.startswith("/"):
            out += "(?:.*/)?" + re.escape(nxt[1:])  # `/*/` may also match one `/`
        else:
            out += ".*" + re.escape(nxt)
    return re.compile(out + r"\Z", re.S)

def resolve(pat, is_data, azure):
    p = pat.strip().lower()
    if "*" not in p:
        return {p}  # literal: exactly that name, known or not
    r = regex(pat, azure)
    return {n for n in ops[is_data] if r.match(n)}

def expand(role, azure):
    got = {False: set(), True: set()}
    for b in role["permissions"]:
        for is_data, (g, x) in ((False, ("actions", "notActions")), (True, ("dataActions", "notDataActions"))):
            allow = set().union(*[resolve(e, is_data, azure) for e in b.get(g) or []])
            deny = set().union(*[resolve(e, is_data, azure) for e in b.get(x) or []])
            # an unknown literal removed by a matching exclusion: regex on the literal itself
            deny |= {n for n in allow if any(regex(e, azure).match(n) for e in b.get(x) or [])}
            got[is_data] |= allow - deny
    return got

roles = {}
for f in sorted(os.listdir(os.path.join(SNAP, "roles"))):
    r = json.load(open(os.path.join(SNAP, "roles", f), encoding="utf-8"))
    roles[r["roleName"]] = r
print("roles", len(roles), "control ops", len(ops[False]), "data ops", len(ops[True]))

az = {n: expand(r, True) for n, r in roles.items()}
lit = {n: expand(r, False) for n, r in roles.items()}
diff = sorted(n for n in roles if az[n] != lit[n])
print("roles differing between modes:", len(diff))

MLS = "microsoft.machinelearningservices/workspaces/"
ds = az["AzureML Data Scientist"][False]
print("DS computes/write (azure):", MLS + "computes/write" in ds)
print("DS computes/write (literal):", MLS + "computes/write" in lit["AzureML Data Scientist"][False])
print("DS connections/listsecrets/action:", MLS + "connections/listsecrets/action" in ds)
rd = az["Reader"][False]
print("Reader listNotebookKeys/read:", MLS + "listnotebookkeys/read" in rd)
print("Reader metadata/secrets/read:", MLS + "metadata/secrets/read" in rd)
print("KV Reader vaults/read azure/literal:", "microsoft.keyvault/vaults/read" in az["Key Vault Reader"][False],
      "microsoft.keyvault/vaults/read" in lit["Key Vault Reader"][False])
print("Owner data ops:", len(az["Owner"][True]), "Owner control ops:", len(az["Owner"][False]))
for n in ["Reader", "Contributor", "AzureML Data Scientist", "AzureML Compute Operator", "Key Vault Reader"]:
    print(f"{n}: control {len(az[n][False])}/{len(lit[n][False])} data {len(az[n][True])}/{len(lit[n][True])} (azure/literal)")
print("sum of control+data grants over all roles: azure", sum(len(v[False]) + len(v[True]) for v in az.values()),
      "literal", sum(len(v[False]) + len(v[True]) for v in lit.values()))
if "-v" in sys.argv:
    print("\n".join(diff))

# Optional: compare every role with `azrbac expand --all-builtins --format json [--wildcards M]` output.
for arg in sys.argv[1:]:
    if arg.startswith("--compare-"):
        mode, path = arg[len("--compare-"):].split("=", 1)
        mine = az if mode == "azure" else lit
        out = json.load(open(path, encoding="utf-8"))
        bad = 0
        for r in out["roles"]:
            want = mine[r["name"]]
            got = ({n.lower() for n in r["actions"]}, {n.lower() for n in r["dataActions"]})
            if got != (want[False], want[True]):
                bad += 1
                print("MISMATCH", mode, r["name"])
        print(mode, "roles compared:", len(out["roles"]), "mismatches:", bad)
