#!/usr/bin/env python3
"""Lake's client flow with boto3 against a ctlake serve under test.

Usage: boto3_flow.py ENDPOINT SKEWED_ENDPOINT LOGS_DIR

Creates a store, imports LOGS_DIR into it, runs a query, polls DescribeQuery
until FINISHED, pages GetQueryResults, lists the store's queries, cancels a
long query (one with /*hold*/, which the test server keeps running), checks
that deleting a protected store fails, checks typed exceptions, and checks
that a wrong secret, a missing signature and a stale date (the server at
SKEWED_ENDPOINT runs 30 minutes ahead) are refused. Prints "ok" and a JSON
summary on success; exits non-zero with a message on the first mismatch.
"""
import json
import sys
import time

import boto3
import botocore
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

AKID, SECRET = "AKIDEXAMPLE", "secret"


def client(endpoint, secret=SECRET, unsigned=False):
    cfg = Config(retries={"max_attempts": 1, "mode": "standard"})
    if unsigned:
        cfg = cfg.merge(Config(signature_version=UNSIGNED))
    return boto3.client("cloudtrail", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=AKID, aws_secret_access_key=secret, config=cfg)


def check(cond, what):
    if not cond:
        sys.exit("boto3 flow: " + what)


def expect_error(fn, code, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        check(got == code, "%s: got %s, want %s" % (fn.__name__, got, code))
        return e
    sys.exit("boto3 flow: %s succeeded, want %s" % (fn.__name__, code))


def main():
    endpoint, skewed, logs = sys.argv[1:4]
    ct = client(endpoint)
    store = ct.create_event_data_store(Name="boto3-store")
    arn = store["EventDataStoreArn"]
    check(store["TerminationProtectionEnabled"] is True, "protection should default on")
    check(store["ResponseMetadata"]["RequestId"] != "", "no x-amzn-RequestId")
    imp = ct.start_import(Destinations=[arn], ImportSource={"S3": {
        "S3LocationUri": "file://" + logs, "S3BucketRegion": "us-east-1",
        "S3BucketAccessRoleArn": "arn:aws:iam::000000000000:role/none"}})
    deadline = time.time() + 120
    while True:
        g = ct.get_import(ImportId=imp["ImportId"])
        if g["ImportStatus"] == "COMPLETED":
            imported = g["ImportStatistics"]["EventsCompleted"]
            break
        check(g["ImportStatus"] != "FAILED" and time.time() < deadline, "import " + g["ImportStatus"])
        time.sleep(0.05)
    eds_id = arn.split("/")[-1]
    qid = ct.start_query(QueryStatement="SELECT eventID, eventTime FROM %s ORDER BY eventID" % eds_id)["QueryId"]
    deadline = time.time() + 120
    while True:
        d = ct.describe_query(QueryId=qid)
        if d["QueryStatus"] == "FINISHED":
            break
        check(d["QueryStatus"] in ("QUEUED", "RUNNING") and time.time() < deadline, "query " + d["QueryStatus"])
        time.sleep(0.05)
    check(hasattr(d["QueryStatistics"]["CreationTime"], "year"), "CreationTime should parse as a datetime")
    rows, token, pages = [], None, 0
    while True:
        kw = {"QueryId": qid, "MaxQueryResults": 13}
        if token:
            kw["NextToken"] = token
        page = ct.get_query_results(**kw)
        pages += 1
        check(page["QueryStatistics"]["ResultsCount"] == len(page["QueryResultRows"]), "ResultsCount")
        rows += page["QueryResultRows"]
        token = page.get("NextToken")
        if not token:
            break
    check(len(rows) == imported and imported > 0, "%d rows, %d imported" % (len(rows), imported))
    ids = [r[0]["eventID"] for r in rows]
    check(ids == sorted(ids), "rows out of order")
    check(all(len(r[1]["eventTime"]) == 23 for r in rows), "eventTime not as Lake prints it")
    listed = ct.list_queries(EventDataStore=arn)["Queries"]
    check([q["QueryId"] for q in listed] == [qid], "list_queries %r" % listed)
    long_id = ct.start_query(QueryStatement="SELECT eventID FROM %s /*hold*/" % eds_id)["QueryId"]
    deadline = time.time() + 120
    while ct.describe_query(QueryId=long_id)["QueryStatus"] != "RUNNING":
        check(time.time() < deadline, "long query never ran")
        time.sleep(0.05)
    check(ct.cancel_query(QueryId=long_id)["QueryStatus"] == "CANCELLED", "cancel")
    check(ct.describe_query(QueryId=long_id)["QueryStatus"] == "CANCELLED", "cancelled query state")
    # Typed exceptions.
    try:
        ct.describe_query(QueryId="00000000-0000-4000-8000-000000000000")
        sys.exit("boto3 flow: describe_query of an unknown ID succeeded")
    except ct.exceptions.QueryIdNotFoundException as e:
        check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 404, "QueryIdNotFound status")
    try:
        ct.delete_event_data_store(EventDataStore=arn)
        sys.exit("boto3 flow: deleting a protected store succeeded")
    except ct.exceptions.EventDataStoreTerminationProtectedException:
        pass
    try:
        ct.cancel_query(QueryId=long_id)
        sys.exit("boto3 flow: cancelling a cancelled query succeeded")
    except ct.exceptions.InactiveQueryException:
        pass
    try:
        ct.start_query(QueryStatement="SELECT FROM")
        sys.exit("boto3 flow: bad SQL accepted")
    except ct.exceptions.InvalidQueryStatementException as e:
        check(":" in str(e), "syntax error without a position: %s" % e)
    # Authentication failures.
    expect_error(client(endpoint, secret="wrong").list_event_data_stores, "InvalidSignatureException")
    expect_error(client(endpoint, unsigned=True).list_event_data_stores, "MissingAuthenticationToken")
    e = expect_error(client(skewed).list_event_data_stores, "InvalidSignatureException")
    check("Signature expired" in str(e), "stale date message: %s" % e)
    print("ok")
    print(json.dumps({"rows": len(rows), "pages": pages, "imported": imported, "boto3": boto3.__version__, "botocore": botocore.__version__}))


if __name__ == "__main__":
    main()
