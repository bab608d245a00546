package gen

// Errors: a few percent of API calls fail, with the codes and message shapes
// each service really returns. Writes fail more often than reads, and
// AssumeRole and S3 reads (missing keys) more than most.

func errorRate(o *op) float64 {
	switch {
	case o.svc.kind == kindSTS && o.name == "AssumeRole":
		return 0.06
	case o.svc.kind == kindS3 && (o.name == "GetObject" || o.name == "HeadObject"):
		return 0.05
	case o.svc.kind == kindSignin:
		return 0.04
	case o.readOnly:
		return 0.02
	}
	return 0.045
}

type errKind struct {
	code   string
	msg    string // "" → an "is not authorized to perform" message
	weight int
}

var (
	errsS3  = []errKind{{"NoSuchKey", "The specified key does not exist.", 5}, {"AccessDenied", "Access Denied", 4}, {"NoSuchBucket", "The specified bucket does not exist", 1}}
	errsEC2 = []errKind{{"Client.UnauthorizedOperation", "", 5}, {"Client.RequestLimitExceeded", "Request limit exceeded.", 3},
		{"Client.InvalidInstanceID.NotFound", "The instance ID does not exist", 1}, {"Client.DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 1}}
	errsKMS     = []errKind{{"AccessDenied", "", 4}, {"ThrottlingException", "Rate exceeded", 3}, {"InvalidCiphertextException", "", 1}, {"NotFoundException", "Key does not exist", 1}}
	errsIAM     = []errKind{{"AccessDenied", "", 5}, {"NoSuchEntityException", "The role cannot be found.", 3}, {"EntityAlreadyExistsException", "Entity already exists.", 1}, {"Throttling", "Rate exceeded", 1}}
	errsDynamo  = []errKind{{"ConditionalCheckFailedException", "The conditional request failed", 4}, {"ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded.", 2}, {"AccessDenied", "", 2}}
	errsLambda  = []errKind{{"ResourceNotFoundException", "Function not found", 2}, {"AccessDenied", "", 3}, {"TooManyRequestsException", "Rate Exceeded.", 2}}
	errsSignin  = []errKind{{"", "Failed authentication", 1}}
	errsGeneric = []errKind{{"AccessDenied", "", 45}, {"ThrottlingException", "Rate exceeded", 25}, {"ResourceNotFoundException", "The requested resource was not found.", 15}, {"ValidationException", "1 validation error detected", 15}}
)

func errorsFor(o *op) []errKind {
	switch o.svc.kind {
	case kindS3:
		return errsS3
	case kindEC2:
		return errsEC2
	case kindKMS:
		return errsKMS
	case kindIAM:
		return errsIAM
	case kindDynamo:
		return errsDynamo
	case kindLambda:
		return errsLambda
	case kindSignin:
		return errsSignin
	}
	return errsGeneric
}

func (e *ev) appendError(dst []byte) []byte {
	list := errorsFor(e.o)
	total := 0
	for _, k := range list {
		total += k.weight
	}
	x := e.r.intn(total)
	var k errKind
	for _, k = range list {
		if x < k.weight {
			break
		}
		x -= k.weight
	}
	if e.o.svc.kind == kindSignin {
		// Failed console sign-ins carry only errorMessage.
		return appendKV(dst, "errorMessage", "Failed authentication")
	}
	dst = appendKV(dst, "errorCode", k.code)
	who := e.p.arn
	if k.msg != "" || who == "" {
		// Identities without an ARN (AWS services, web identities) get
		// the service's terse message.
		msg := k.msg
		if msg == "" {
			msg = "Access Denied"
		}
		return appendKV(dst, "errorMessage", msg)
	}
	dst = append(dst, `"errorMessage":`...)
	prefix := "User: "
	if e.o.svc.kind == kindEC2 {
		prefix = "You are not authorized to perform this operation. User: "
	}
	msg := make([]byte, 0, 160)
	msg = append(msg, prefix...)
	msg = append(msg, who...)
	msg = append(msg, " is not authorized to perform: "...)
	msg = append(msg, e.o.iamAction...)
	msg = append(msg, " because no identity-based policy allows the "...)
	msg = append(msg, e.o.iamAction...)
	msg = append(msg, " action"...)
	dst = appendStr(dst, string(msg))
	return append(dst, ',')
}
