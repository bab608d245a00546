package orcstore

import (
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
)

// This file is the one home of the CloudTrail Lake event schema. Ingest
// builds records of this shape, the ORC files of every event data store are
// written with it, and the planner binds SQL names against it. Names keep
// CloudTrail's own camelCase so that ORC files read by Trino, Athena or Spark
// show familiar columns; SQL matches them case-insensitively.
//
// The field list follows ../shared/reference/cloudtrail-lake.md §2.1, plus the
// newer userIdentity.credentialId and sessionContext.assumedRoot fields that
// AWS's own tools document. Anything else an event carries survives in
// eventJson, so a field the schema does not know yet is never lost.

// TimestampType is the Arrow type of every timestamp column: nanoseconds, UTC.
// Nanoseconds match ORC's own precision, so a value read from any ORC file
// round-trips exactly.
var TimestampType = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}

// StringMap is the Arrow type of the flexible JSON parts (requestParameters,
// responseElements, ...): top-level keys stay keys, nested objects and arrays
// become compact JSON text in the value, as in CloudTrail Lake.
var StringMap = arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String)

func str(name string) arrow.Field {
	return arrow.Field{Name: name, Type: arrow.BinaryTypes.String, Nullable: true}
}

func strs(names ...string) []arrow.Field {
	out := make([]arrow.Field, len(names))
	for i, n := range names {
		out[i] = str(n)
	}
	return out
}

func strct(name string, fields ...arrow.Field) arrow.Field {
	return arrow.Field{Name: name, Type: arrow.StructOf(fields...), Nullable: true}
}

func smap(name string) arrow.Field {
	return arrow.Field{Name: name, Type: StringMap, Nullable: true}
}

func boolean(name string) arrow.Field {
	return arrow.Field{Name: name, Type: arrow.FixedWidthTypes.Boolean, Nullable: true}
}

func timestamp(name string) arrow.Field {
	return arrow.Field{Name: name, Type: TimestampType, Nullable: true}
}

// UserIdentityType is the struct type of the userIdentity column.
var UserIdentityType = arrow.StructOf(append(strs("type", "principalId", "arn", "accountId", "accessKeyId", "userName"),
	strct("sessionContext",
		strct("attributes", timestamp("creationDate"), str("mfaAuthenticated")),
		strct("sessionIssuer", strs("type", "principalId", "arn", "accountId", "userName")...),
		strct("webIdFederationData", str("federatedProvider"), smap("attributes")),
		str("sourceIdentity"),
		str("ec2RoleDelivery"),
		str("ec2IssuedInVPC"),
		str("assumedRoot"),
	),
	strct("onBehalfOf", strs("userId", "identityStoreArn")...),
	strct("inScopeOf", strs("sourceArn", "sourceAccount", "issuerType", "credentialsIssuedTo")...),
	str("invokedBy"),
	str("identityProvider"),
	str("credentialId"),
)...)

// ResourceType is the element type of the resources array.
var ResourceType = arrow.StructOf(strs("accountId", "type", "ARN", "arnPrefix")...)

// TLSDetailsType is the struct type of the tlsDetails column.
var TLSDetailsType = arrow.StructOf(strs("tlsVersion", "cipherSuite", "clientProvidedHostHeader")...)

// EventSchema is the Arrow schema of a CloudTrail events data store
// (management, data, network activity and Insights events).
var EventSchema = arrow.NewSchema([]arrow.Field{
	str("eventVersion"),
	{Name: "userIdentity", Type: UserIdentityType, Nullable: true},
	timestamp("eventTime"),
	str("eventSource"),
	str("eventName"),
	str("awsRegion"),
	str("sourceIPAddress"),
	str("userAgent"),
	str("errorCode"),
	str("errorMessage"),
	smap("requestParameters"),
	smap("responseElements"),
	smap("additionalEventData"),
	str("requestID"),
	str("eventID"),
	boolean("readOnly"),
	{Name: "resources", Type: arrow.ListOf(ResourceType), Nullable: true},
	str("eventType"),
	str("apiVersion"),
	boolean("managementEvent"),
	str("recipientAccountId"),
	str("sharedEventID"),
	str("annotation"),
	str("vpcEndpointId"),
	str("vpcEndpointAccountId"),
	smap("serviceEventDetails"),
	smap("addendum"),
	smap("edgeDeviceDetails"),
	smap("insightDetails"),
	str("eventCategory"),
	{Name: "tlsDetails", Type: TLSDetailsType, Nullable: true},
	str("sessionCredentialFromConsole"),
	str("eventJson"),
	str("eventJsonChecksum"),
}, nil)

// BloomFilterColumns are the columns whose equality lookups are common in
// incident response (one event, one request, one API, one key, one
// principal, one IP); stores write bloom filters for them so that a point
// lookup skips almost every row group. eventName is there for the rare
// API calls responders hunt for (who called DeleteTrail, StopLogging,
// PutBucketPolicy): a handful of events among millions, in a few row
// groups, which a stripe dictionary cannot rule out.
var BloomFilterColumns = []string{"eventID", "requestID", "eventName", "userIdentity.accessKeyId", "userIdentity.arn", "sourceIPAddress"}

// LookupField resolves a dotted path such as "userIdentity.sessionContext.sessionIssuer.arn"
// against schema case-insensitively, the way CloudTrail Lake matches names.
// It returns the field path as written in the schema (canonical case) and the
// field itself; ok is false when no field matches. Lists and maps are leaves:
// their elements are reached through functions, not dots.
func LookupField(schema *arrow.Schema, path string) (canonical []string, field arrow.Field, ok bool) {
	parts := strings.Split(path, ".")
	fields := schema.Fields()
	for i, p := range parts {
		found := false
		for _, f := range fields {
			if strings.EqualFold(f.Name, p) {
				canonical = append(canonical, f.Name)
				field = f
				found = true
				break
			}
		}
		if !found {
			return nil, arrow.Field{}, false
		}
		if i == len(parts)-1 {
			return canonical, field, true
		}
		st, isStruct := field.Type.(*arrow.StructType)
		if !isStruct {
			return nil, arrow.Field{}, false
		}
		fields = st.Fields()
	}
	return nil, arrow.Field{}, false
}
