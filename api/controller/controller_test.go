package controller

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// These tests pin a sample of the wire facts so that a careless edit of
// controller.proto (renamed RPC, renumbered field, changed enum value) fails.

const service = "io.pravega.controller.stream.api.grpc.v1.ControllerService"

func TestMethodPaths(t *testing.T) {
	for path, got := range map[string]string{
		"/" + service + "/getURI":                          ControllerService_GetURI_FullMethodName,
		"/" + service + "/createScope":                     ControllerService_CreateScope_FullMethodName,
		"/" + service + "/createStream":                    ControllerService_CreateStream_FullMethodName,
		"/" + service + "/getSegmentsImmediatlyFollowing":  ControllerService_GetSegmentsImmediatlyFollowing_FullMethodName,
		"/" + service + "/getSegmentsImmediatelyFollowing": ControllerService_GetSegmentsImmediatelyFollowing_FullMethodName,
		"/" + service + "/getDelegationToken":              ControllerService_GetDelegationToken_FullMethodName,
		"/" + service + "/listStreamsInScopeForTag":        ControllerService_ListStreamsInScopeForTag_FullMethodName,
		"/" + service + "/getControllerToBucketMapping":    ControllerService_GetControllerToBucketMapping_FullMethodName,
	} {
		if got != path {
			t.Errorf("method path = %q, want %q", got, path)
		}
	}
}

func TestServiceShape(t *testing.T) {
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(service)
	if err != nil {
		t.Fatal(err)
	}
	sd := d.(protoreflect.ServiceDescriptor)
	// 46 RPCs of Pravega 0.13 plus getControllerToBucketMapping.
	if n := sd.Methods().Len(); n != 47 {
		t.Errorf("ControllerService has %d methods, want 47", n)
	}
	for i := range sd.Methods().Len() {
		m := sd.Methods().Get(i)
		if m.IsStreamingClient() || m.IsStreamingServer() {
			t.Errorf("%s is streaming; every controller RPC is unary", m.Name())
		}
	}
	m := sd.Methods().ByName("getSegmentsImmediatelyFollowing")
	if m == nil || m.Input().FullName() != "io.pravega.controller.stream.api.grpc.v1.SegmentId" ||
		m.Output().FullName() != "io.pravega.controller.stream.api.grpc.v1.SuccessorResponse" {
		t.Errorf("getSegmentsImmediatelyFollowing has the wrong signature: %v", m)
	}
}

func TestFieldNumbers(t *testing.T) {
	for _, tc := range []struct {
		msg   protoreflect.ProtoMessage
		field protoreflect.Name
		num   protoreflect.FieldNumber
		kind  protoreflect.Kind
	}{
		{&SegmentId{}, "segmentId", 2, protoreflect.Int64Kind},
		{&StreamInfo{}, "accessOperation", 3, protoreflect.EnumKind},
		{&StreamConfig{}, "rolloverSizeBytes", 6, protoreflect.Int64Kind},
		{&ListCompletedTxnResponse{}, "response", 2, protoreflect.MessageKind},
		{&ReaderGroupConfiguration{}, "retentionType", 6, protoreflect.Int32Kind},
		{&ReaderGroupConfiguration{}, "endingStreamCuts", 10, protoreflect.MessageKind},
		{&SuccessorResponse_SegmentEntry{}, "value", 2, protoreflect.Int64Kind},
		{&StreamsInScopeResponse{}, "status", 3, protoreflect.EnumKind},
		{&TxnRequest{}, "timestamp", 4, protoreflect.Int64Kind},
		{&NodeUri{}, "port", 2, protoreflect.Int32Kind},
	} {
		md := tc.msg.ProtoReflect().Descriptor()
		f := md.Fields().ByName(tc.field)
		if f == nil {
			t.Errorf("%s has no field %s", md.FullName(), tc.field)
			continue
		}
		if f.Number() != tc.num || f.Kind() != tc.kind {
			t.Errorf("%s.%s = #%d %v, want #%d %v", md.FullName(), tc.field, f.Number(), f.Kind(), tc.num, tc.kind)
		}
	}
}

func TestEnumValues(t *testing.T) {
	for _, tc := range []struct {
		got, want int32
		name      string
	}{
		{int32(PingTxnStatus_UNKNOWN), 7, "PingTxnStatus.UNKNOWN"},
		{int32(UpdateStreamStatus_STREAM_SEALED), 4, "UpdateStreamStatus.STREAM_SEALED"},
		{int32(StreamInfo_READ_WRITE), 5, "StreamInfo.READ_WRITE"},
		{int32(TxnState_ABORTED), 5, "TxnState.ABORTED"},
		{int32(ReaderGroupConfiguration_AUTOMATIC), 2, "ReaderGroupConfiguration.AUTOMATIC"},
		{int32(ScalingPolicy_BY_RATE_IN_EVENTS_PER_SEC), 2, "ScalingPolicy.BY_RATE_IN_EVENTS_PER_SEC"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}
