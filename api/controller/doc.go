// Package controller holds the controller's gRPC API: controller.proto, our
// own definition of the Pravega 0.13 ControllerService, and the Go code that
// protoc generates from it (controller.pb.go, controller_grpc.pb.go).
//
// The proto package io.pravega.controller.stream.api.grpc.v1, the service
// name, the lowerCamelCase RPC names, the message and enum names and every
// field number and enum value are wire facts shared with the Java and
// Rust/Python Pravega clients; they must not change. Method paths therefore
// look like
//
//	/io.pravega.controller.stream.api.grpc.v1.ControllerService/getURI
//
// even though the generated Go methods are capitalised (GetURI).
//
// Do not edit the *.pb.go files. Change controller.proto and run
// `make proto`; `make proto-check` (part of `make test`) fails when the
// committed generated code does not match what the pinned tools produce.
package controller
