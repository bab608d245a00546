#!/usr/bin/env python3
"""Extract the CloudTrail Lake operations' input shapes from botocore's model.

The server validates every request against these shapes (required members,
types, lengths, ranges, patterns, enums), because the clients check almost
none of them. Run from the repository root with botocore installed:

    python3 lakeapi/testdata/extract_model.py > lakeapi/model.json

botocore is Apache-2.0; the model is AWS's service description of CloudTrail.
"""
import gzip
import json
import os
import sys

import botocore

OPERATIONS = [
    "StartQuery", "DescribeQuery", "GetQueryResults", "ListQueries", "CancelQuery",
    "CreateEventDataStore", "GetEventDataStore", "ListEventDataStores", "UpdateEventDataStore",
    "DeleteEventDataStore", "RestoreEventDataStore",
    "StartEventDataStoreIngestion", "StopEventDataStoreIngestion",
    "StartImport", "GetImport", "ListImports", "StopImport", "ListImportFailures",
    "CreateDashboard", "GetDashboard", "ListDashboards", "UpdateDashboard", "DeleteDashboard",
    "StartDashboardRefresh",
]
KEEP = ("type", "required", "members", "member", "key", "value", "min", "max", "pattern", "enum")


def load():
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "cloudtrail", "2013-11-01", "service-2.json")
    if os.path.exists(base + ".gz"):
        with gzip.open(base + ".gz") as f:
            return json.load(f)
    with open(base) as f:
        return json.load(f)


def main():
    m = load()
    shapes, out_shapes, ops = m["shapes"], {}, {}

    def visit(name):
        if name in out_shapes:
            return
        s = {k: v for k, v in shapes[name].items() if k in KEEP}
        out_shapes[name] = s
        if "members" in s:
            s["members"] = {k: v["shape"] for k, v in s["members"].items()}
            for v in s["members"].values():
                visit(v)
        for k in ("member", "key", "value"):
            if k in s:
                s[k] = s[k]["shape"]
                visit(s[k])

    for op in OPERATIONS:
        o = m["operations"][op]
        visit(o["input"]["shape"])
        errors = []
        for e in o.get("errors", []):
            if e["shape"] not in errors:
                errors.append(e["shape"])
        ops[op] = {"input": o["input"]["shape"], "errors": errors}
    doc = {
        "source": "botocore %s data/cloudtrail/2013-11-01/service-2.json (Apache-2.0), input shapes only" % botocore.__version__,
        "allOperations": sorted(m["operations"]),
        "operations": ops,
        "shapes": dict(sorted(out_shapes.items())),
    }
    json.dump(doc, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
