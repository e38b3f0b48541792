package driver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// process is a server the harness started itself, with its output in a
// log file under its directory.
type process struct {
	name string
	argv []string
	env  []string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func newProcess(name, dir string, env []string, argv ...string) *process {
	return &process{name: name, argv: argv, env: env, log: filepath.Join(dir, name+".log")}
}

// start runs the process; its stdout and stderr are appended to the log.
func (p *process) start() error {
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(p.argv[0], p.argv[1:]...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), p.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = f.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func() {
		p.err = cmd.Wait()
		_ = f.Close()
		close(p.done)
	}()
	return nil
}

func (p *process) pid() int {
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitPorts waits until every address accepts TCP connections.
func (p *process) waitPorts(ctx context.Context, timeout time.Duration, addrs ...string) error {
	deadline := time.Now().Add(timeout)
	for _, a := range addrs {
		for {
			c, err := net.DialTimeout("tcp", a, time.Second)
			if err == nil {
				_ = c.Close()
				break
			}
			if p.exited() {
				if p.err == nil {
					return fmt.Errorf("%s exited; see %s", p.name, p.log)
				}
				return fmt.Errorf("%s exited (%w); see %s", p.name, p.err, p.log)
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: %s not open after %s; see %s", p.name, a, timeout, p.log)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

// signal sends sig and waits up to grace for the exit, then SIGKILLs.
func (p *process) signal(sig syscall.Signal, grace time.Duration) error {
	if p.cmd == nil || p.exited() {
		return nil
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	if sig == syscall.SIGKILL {
		return nil
	}
	return errors.New(p.name + " did not stop in time; killed")
}

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
