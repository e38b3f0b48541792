package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sluicestream/sluice/client"
)

// Create a key-value table, put, update conditionally and iterate.
// Primary keys pick the table segment; all entries of one primary key can
// be changed atomically.
func ExampleKeyValueTable() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	m := c.StreamManager()
	must(m.CreateScope(ctx, "examples"))
	must(m.CreateKeyValueTable(ctx, "examples", "accounts",
		client.KVTConfig{Partitions: 4, PrimaryKeyLength: 6, SecondaryKeyLength: 4}))

	kvt, err := c.OpenKeyValueTable(ctx, "examples", "accounts")
	must(err)
	alice := func(field string) client.TableKey {
		return client.TableKey{Primary: []byte("alice "), Secondary: []byte(field)}
	}
	v, err := kvt.PutIfAbsent(ctx, alice("bal."), []byte("100"))
	must(err)
	_, err = kvt.PutIfAbsent(ctx, alice("bal."), []byte("0"))
	fmt.Println("second insert:", errors.Is(err, client.ErrKeyExists))

	// Two fields of one primary key, atomically, if the balance is unchanged.
	_, err = kvt.Update(ctx, []client.TableModification{
		{Key: alice("bal."), Value: []byte("70"), Version: v},
		{Key: alice("last"), Value: []byte("-30")},
	})
	must(err)
	_, err = kvt.Replace(ctx, alice("bal."), []byte("0"), v) // v is stale now
	fmt.Println("stale replace:", errors.Is(err, client.ErrBadKeyVersion))

	for e, err := range kvt.Entries(ctx, client.ScanPrimaryKey([]byte("alice "))) {
		must(err)
		fmt.Printf("%s%s = %s\n", e.Key.Primary, e.Key.Secondary, e.Value)
	}
	// Output:
	// second insert: true
	// stale replace: true
	// alice bal. = 70
	// alice last = -30
}

// Use a single-segment stream as a file of bytes: append, then seal, and
// read it back from the start.
func ExampleByteStreamWriter() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	m := c.StreamManager()
	must(m.CreateScope(ctx, "examples"))
	must(m.CreateStream(ctx, "examples", "log", client.StreamConfig{Scaling: client.Fixed(1)}))

	w, err := c.NewByteStreamWriter(ctx, "examples", "log")
	must(err)
	must(w.Write(ctx, []byte("line 1\n")))
	must(w.Write(ctx, []byte("line 2\n")))
	must(w.CloseAndSeal(ctx)) // flushes; readers then end at the last byte

	r, err := c.NewByteStreamReader(ctx, "examples", "log")
	must(err)
	r.SeekTo(7)
	b, err := io.ReadAll(r.Reader(ctx))
	must(err)
	fmt.Printf("%q\n", b)
	// Output:
	// "line 2\n"
}
