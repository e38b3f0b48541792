// Package controller is the embeddable Sluice controller: the Pravega
// ControllerService on gRPC (package service) over the workflow engine
// (package workflow), with its metadata in a metastore.Store (etcd) and its
// segment-store traffic on the wire protocol (package segments).
//
//	srv, err := controller.Start(ctx, controller.Config{
//		Store:        store,              // metastore.Store, e.g. metastore.StartEmbedded
//		SegmentStore: "127.0.0.1:12345",  // every container on one segment store
//	})
//	defer srv.Close()
//
// Sub-packages:
//
//	segments     segment-store client (pool, Hello, requestIds, retries)
//	store        records and key layout in the metadata store
//	workflow     durable, resumable workflows; transaction leases
//	service      the gRPC service, one file per RPC family
//	streammodel  the pure stream model (epochs, scaling, cuts)
//	watermark    watermark records of "_MARK" streams and the pure rule
//	             that computes them from writer marks
package controller
