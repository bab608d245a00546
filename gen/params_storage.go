package gen

import "strconv"

// S3, KMS and DynamoDB: the high-volume data and crypto calls.

var s3KeyDirs = []string{"logs", "data", "uploads", "models", "reports", "exports", "tmp", "static"}

// s3Key draws an object key; now and then one with spaces, accents or a
// quote, to exercise escaping in every consumer.
func (e *ev) appendS3Key(dst []byte) []byte {
	r := &e.r
	switch r.intn(100) {
	case 0:
		return append(dst, "uploads/Résumé final (1).pdf"...)
	case 1:
		return append(dst, `reports/q1 "draft" v2.docx`...)
	}
	dst = append(dst, s3KeyDirs[int(float64(len(s3KeyDirs))*r.float()*r.float())]...)
	dst = append(dst, '/')
	y, mo, d, h, _, _ := civil(e.t - int64(r.intn(86400*3)))
	switch r.intn(4) {
	case 0:
		dst = append(dst, "year="...)
		dst = append4(dst, y)
		dst = append(dst, "/month="...)
		dst = append2(dst, mo)
		dst = append(dst, "/part-"...)
		dst = strconv.AppendInt(dst, int64(r.intn(100000)), 10)
		dst = append(dst, '-')
		dst = e.appendHex(dst, 12)
		return append(dst, ".snappy.parquet"...)
	case 1:
		dst = append4(dst, y)
		dst = append(dst, '/')
		dst = append2(dst, mo)
		dst = append(dst, '/')
		dst = append2(dst, d)
		dst = append(dst, '/')
		dst = append2(dst, h)
		dst = append(dst, "/app-"...)
		dst = e.appendHex(dst, 8)
		return append(dst, ".json.gz"...)
	case 2:
		dst = appendUUID(dst, r)
		return append(dst, "/image.jpg"...)
	}
	dst = append(dst, "item-"...)
	dst = strconv.AppendInt(dst, int64(r.intn(5000)), 10)
	return append(dst, ".csv"...)
}

var s3Subresource = map[string]string{"GetBucketAcl": "acl", "GetBucketVersioning": "versioning", "GetBucketEncryption": "encryption",
	"GetBucketTagging": "tagging", "GetBucketLogging": "logging", "GetBucketLocation": "location", "GetBucketPolicy": "policy",
	"GetBucketPublicAccessBlock": "publicAccessBlock", "PutBucketTagging": "tagging", "PutBucketPublicAccessBlock": "publicAccessBlock"}

func (e *ev) s3(dst []byte) []byte {
	o, r := e.o, &e.r
	bucket := e.a.pickBucket(r)
	host := bucket + ".s3." + e.region + ".amazonaws.com"
	e.host = host
	bucketARN := "arn:aws:s3:::" + bucket
	dst = append(dst, reqOpen...)
	if o.name == "ListBuckets" {
		dst = appendKV(dst, "Host", "s3."+e.region+".amazonaws.com")
		dst = endObj(dst)
		dst = append(dst, respNull...)
		return e.s3Extra(dst, false)
	}
	dst = appendKV(dst, "bucketName", bucket)
	dst = appendKV(dst, "Host", host)
	var key []byte
	if o.data && o.name != "ListObjects" && o.name != "DeleteObjects" {
		key = e.appendS3Key(make([]byte, 0, 64))
		dst = append(dst, `"key":`...)
		dst = appendStr(dst, string(key))
		dst = append(dst, ',')
	}
	switch o.name {
	case "ListObjects":
		dst = append(dst, `"list-type":"2","prefix":"`...)
		dst = append(dst, s3KeyDirs[r.intn(len(s3KeyDirs))]...)
		dst = append(dst, `/","max-keys":"1000","encoding-type":"url",`...)
	case "DeleteObjects":
		dst = append(dst, `"delete":"",`...)
	case "CopyObject":
		dst = append(dst, `"x-amz-copy-source":`...)
		dst = appendStr(dst, e.a.pickBucket(r)+"/"+string(key))
		dst = append(dst, ',')
	case "UploadPart":
		dst = appendKInt(dst, "partNumber", int64(1+r.intn(40)))
		dst = append(dst, `"uploadId":"`...)
		dst = appendRand(dst, r, mixedAlnum, 40)
		dst = append(dst, '"', ',')
	case "CreateMultipartUpload":
		dst = append(dst, `"uploads":"",`...)
	case "CompleteMultipartUpload":
		dst = append(dst, `"uploadId":"`...)
		dst = appendRand(dst, r, mixedAlnum, 40)
		dst = append(dst, '"', ',')
	case "PutBucketPolicy":
		dst = append(dst, `"policy":"","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":[`...)
		dst = appendStr(dst, bucketARN)
		dst = append(dst, ',')
		dst = appendStr(dst, bucketARN+"/*")
		dst = append(dst, `],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]},`...)
	case "CreateBucket":
		dst = append(dst, `"CreateBucketConfiguration":{"LocationConstraint":`...)
		dst = appendStr(dst, e.region)
		dst = append(dst, `,"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"},`...)
	default:
		if sub, ok := s3Subresource[o.name]; ok {
			dst = appendKV(dst, sub, "")
		}
	}
	dst = endObj(dst)
	switch {
	case e.failed:
		dst = append(dst, respNull...)
	case o.name == "PutObject" || o.name == "CompleteMultipartUpload" || o.name == "CopyObject":
		dst = append(dst, respOpen...)
		if r.chance(0.5) {
			dst = append(dst, `"x-amz-server-side-encryption":"aws:kms","x-amz-server-side-encryption-aws-kms-key-id":`...)
			dst = appendStr(dst, e.arn("kms", "key/"+e.a.keys[0]))
			dst = append(dst, `,"x-amz-server-side-encryption-bucket-key-enabled":"true",`...)
		} else {
			dst = append(dst, `"x-amz-server-side-encryption":"AES256",`...)
		}
		if r.chance(0.4) {
			dst = append(dst, `"x-amz-version-id":"`...)
			dst = appendRand(dst, r, mixedAlnum, 32)
			dst = append(dst, '"', ',')
		}
		dst = endObj(dst)
	case o.name == "CreateMultipartUpload":
		dst = append(dst, respOpen...)
		dst = appendKV(dst, "bucket", bucket)
		dst = append(dst, `"key":`...)
		dst = appendStr(dst, string(key))
		dst = append(dst, `,"uploadId":"`...)
		dst = appendRand(dst, r, mixedAlnum, 40)
		dst = append(dst, '"')
		dst = endObj(dst)
	default:
		dst = append(dst, respNull...)
	}
	if key != nil {
		e.addRes("AWS::S3::Object", bucketARN+"/"+string(key), false)
	}
	e.addRes("AWS::S3::Bucket", bucketARN, true)
	return e.s3Extra(dst, o.data)
}

// s3Extra writes S3's additionalEventData.
func (e *ev) s3Extra(dst []byte, data bool) []byte {
	r := &e.r
	dst = append(dst, `"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256",`...)
	in, out := 0, 0
	if data && !e.failed {
		switch e.o.name {
		case "PutObject", "UploadPart":
			in = 1 + r.intn(8<<20)
		case "GetObject":
			out = 1 + r.intn(4<<20)
		}
	}
	dst = appendKInt(dst, "bytesTransferredIn", int64(in))
	dst = append(dst, `"AuthenticationMethod":"AuthHeader","x-amz-id-2":"`...)
	dst = appendRand(dst, r, mixedAlnum, 56)
	dst = append(dst, `=",`...)
	dst = appendKInt(dst, "bytesTransferredOut", int64(out))
	return endObj(dst)
}

func (e *ev) appendEncContext(dst []byte) []byte {
	r := &e.r
	dst = append(dst, `"encryptionContext":{`...)
	switch r.intn(4) {
	case 0:
		dst = appendKV(dst, "aws:s3:arn", "arn:aws:s3:::"+e.a.pickBucket(r))
	case 1:
		dst = appendKV(dst, "SecretARN", e.arn("secretsmanager", "secret:"+e.pick(e.a.misc)+"/db-AbCdEf"))
		dst = append(dst, `"SecretVersionId":"`...)
		dst = appendUUID(dst, r)
		dst = append(dst, '"', ',')
	case 2:
		dst = appendKV(dst, "aws:lambda:FunctionArn", e.arn("lambda", "function:"+e.pick(e.a.fns)))
	default:
		dst = appendKV(dst, "aws:dynamodb:tableName", e.pick(e.a.tables))
		dst = appendKV(dst, "aws:dynamodb:subscriberId", e.a.id)
	}
	return endObj(dst)
}

func (e *ev) kms(dst []byte) []byte {
	o, r := e.o, &e.r
	keyARN := e.arn("kms", "key/"+e.pick(e.a.keys))
	dst = append(dst, reqOpen...)
	switch o.name {
	case "Decrypt", "Encrypt", "ReEncrypt":
		if o.name != "Decrypt" || r.chance(0.3) {
			dst = appendKV(dst, "keyId", keyARN)
		}
		dst = append(dst, `"encryptionAlgorithm":"SYMMETRIC_DEFAULT",`...)
		dst = e.appendEncContext(dst)
	case "GenerateDataKey", "GenerateDataKeyWithoutPlaintext":
		if r.chance(0.4) {
			dst = appendKV(dst, "keyId", "alias/aws/s3")
		} else {
			dst = appendKV(dst, "keyId", keyARN)
		}
		dst = append(dst, `"keySpec":"AES_256",`...)
		dst = e.appendEncContext(dst)
	case "ListKeys", "ListAliases", "ListGrants", "ListResourceTags":
		dst = appendKInt(dst, "limit", 1000)
	case "CreateKey":
		dst = append(dst, `"keyUsage":"ENCRYPT_DECRYPT","keySpec":"SYMMETRIC_DEFAULT","description":"application data key","origin":"AWS_KMS","multiRegion":false,`...)
	case "PutKeyPolicy":
		dst = appendKV(dst, "keyId", keyARN)
		dst = appendKV(dst, "policyName", "default")
		dst = appendKV(dst, "policy", `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+e.a.id+`:root"},"Action":"kms:*","Resource":"*"}]}`)
	case "ScheduleKeyDeletion":
		dst = appendKV(dst, "keyId", keyARN)
		dst = appendKInt(dst, "pendingWindowInDays", 30)
	case "Sign", "Verify":
		dst = appendKV(dst, "keyId", keyARN)
		dst = append(dst, `"messageType":"DIGEST","signingAlgorithm":"RSASSA_PSS_SHA_256",`...)
	default:
		dst = appendKV(dst, "keyId", keyARN)
	}
	dst = endObj(dst)
	if e.okResp() && o.name == "CreateKey" {
		dst = append(dst, `"responseElements":{"keyMetadata":{`...)
		dst = appendKV(dst, "aWSAccountId", e.a.id)
		dst = append(dst, `"keyId":"`...)
		id := appendUUID(nil, r)
		dst = append(dst, id...)
		dst = append(dst, '"', ',')
		dst = appendKV(dst, "arn", e.arn("kms", "key/"+string(id)))
		dst = append(dst, `"creationDate":"`...)
		dst = appendHuman(dst, e.t)
		dst = append(dst, `","enabled":true,"keyUsage":"ENCRYPT_DECRYPT","keyState":"Enabled","origin":"AWS_KMS","keyManager":"CUSTOMER","customerMasterKeySpec":"SYMMETRIC_DEFAULT","keySpec":"SYMMETRIC_DEFAULT","encryptionAlgorithms":["SYMMETRIC_DEFAULT"],"multiRegion":false}},`...)
	} else {
		dst = append(dst, respNull...)
	}
	if o.name != "ListKeys" && o.name != "ListAliases" && o.name != "CreateKey" {
		e.addRes("AWS::KMS::Key", keyARN, true)
	}
	return dst
}

func (e *ev) appendItemKey(dst []byte) []byte {
	dst = append(dst, `"key":`...)
	return append(e.appendPK(dst), ',')
}

// appendPK appends one item key object {"pk":…,"sk":…}.
func (e *ev) appendPK(dst []byte) []byte {
	r := &e.r
	dst = append(dst, `{"pk":"`...)
	dst = append(dst, []string{"USER#", "ORDER#", "SESSION#", "SKU#"}[r.intn(4)]...)
	dst = strconv.AppendInt(dst, int64(r.intn(1000000)), 10)
	dst = append(dst, `","sk":"`...)
	dst = append(dst, []string{"PROFILE", "META", "v0", "ITEM#1"}[r.intn(4)]...)
	return append(dst, `"}`...)
}

func (e *ev) dynamo(dst []byte) []byte {
	o, r := e.o, &e.r
	table := e.pick(e.a.tables)
	tableARN := e.arn("dynamodb", "table/"+table)
	dst = append(dst, reqOpen...)
	switch o.name {
	case "ListTables":
		dst = appendKInt(dst, "limit", 100)
	case "BatchGetItem":
		dst = append(dst, `"requestItems":[{"tableName":`...)
		dst = appendStr(dst, table)
		dst = append(dst, `,"keys":[`...)
		for i, n := 0, 1+r.intn(4); i < n; i++ {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.appendPK(dst)
		}
		dst = append(dst, `]}],`...)
	case "BatchWriteItem", "TransactWriteItems":
		dst = append(dst, `"requestItems":[{"tableName":`...)
		dst = appendStr(dst, table)
		dst = append(dst, `,"putRequests":[{`...)
		dst = e.appendItemKey(dst)
		dst = closeObj(dst)
		dst = append(dst, `]}],`...)
	case "Query":
		dst = appendKV(dst, "tableName", table)
		dst = append(dst, `"keyConditionExpression":"#pk = :pk","expressionAttributeNames":{"#pk":"pk"},"limit":50,`...)
	case "Scan":
		dst = appendKV(dst, "tableName", table)
		dst = append(dst, `"limit":1000,"select":"ALL_ATTRIBUTES",`...)
	case "CreateTable", "UpdateTable":
		dst = appendKV(dst, "tableName", table)
		dst = append(dst, `"billingMode":"PAY_PER_REQUEST","attributeDefinitions":[{"attributeName":"pk","attributeType":"S"},{"attributeName":"sk","attributeType":"S"}],"keySchema":[{"attributeName":"pk","keyType":"HASH"},{"attributeName":"sk","keyType":"RANGE"}],`...)
	default:
		dst = appendKV(dst, "tableName", table)
		if o.data {
			dst = e.appendItemKey(dst)
			switch o.name {
			case "GetItem":
				dst = appendKBool(dst, "consistentRead", r.chance(0.2))
			case "UpdateItem":
				dst = append(dst, `"updateExpression":"SET #s = :s, updatedAt = :t","conditionExpression":"attribute_exists(pk)",`...)
			case "PutItem":
				dst = append(dst, `"item":["pk","sk","status","updatedAt"],`...)
			}
		}
	}
	dst = endObj(dst)
	if e.okResp() && o.name == "CreateTable" {
		dst = append(dst, `"responseElements":{"tableDescription":{`...)
		dst = appendKV(dst, "tableName", table)
		dst = appendKV(dst, "tableArn", tableARN)
		dst = append(dst, `"tableStatus":"CREATING","itemCount":0,"tableSizeBytes":0,"creationDateTime":"`...)
		dst = appendHuman(dst, e.t)
		dst = append(dst, `"}},`...)
	} else {
		dst = append(dst, respNull...)
	}
	if o.name != "ListTables" {
		e.addRes("AWS::DynamoDB::Table", tableARN, true)
	}
	return dst
}
