/*
 * reaper: run one command under a child subreaper.
 *
 * libvirt daemonizes every QEMU it starts, so QEMU's parent becomes the nearest subreaper. Without
 * one that is PID 1, which on this machine reaps zombies only every ~1.5 s; libvirt waits for the
 * pid to vanish, so `virsh destroy` and migrations stall. As a subreaper we reap at once.
 *
 *   reaper CMD ARGS...
 *
 * - SIGTERM / SIGINT are forwarded to CMD (libvirtd); QEMUs are left alone, as on a real host.
 * - When our parent (the test process) dies, we SIGKILL every child (libvirtd and the QEMUs
 *   reparented to us): a lab never outlives the process that owns it.
 * - We exit once no child is left, with CMD's exit status (or 128+signal).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* SIGKILL every process whose parent is us (libvirtd and the QEMUs reparented to us). */
static void kill_children(void) {
  DIR *proc = opendir("/proc");
  if (proc == NULL) return;
  pid_t self = getpid();
  struct dirent *entry;
  while ((entry = readdir(proc)) != NULL) {
    pid_t pid = (pid_t)atoi(entry->d_name);
    if (pid <= 0) continue;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) continue;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* comm may contain spaces or parentheses: the fields after it start after the last ')'. */
    char *after = strrchr(buf, ')');
    int ppid = 0;
    if (after != NULL && sscanf(after + 1, " %*c %d", &ppid) == 1 && ppid == self) kill(pid, SIGKILL);
  }
  closedir(proc);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: reaper CMD [ARGS...]\n");
    return 2;
  }
  pid_t parent = getppid();
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) { perror("reaper: PR_SET_CHILD_SUBREAPER"); return 1; }

  /* Every signal we care about stays blocked and is taken with sigwaitinfo: no handler races. */
  sigset_t watched, original;
  sigemptyset(&watched);
  sigaddset(&watched, SIGCHLD);
  sigaddset(&watched, SIGTERM);
  sigaddset(&watched, SIGINT);
  sigaddset(&watched, SIGUSR1);
  sigprocmask(SIG_BLOCK, &watched, &original);
  if (prctl(PR_SET_PDEATHSIG, SIGUSR1) != 0) { perror("reaper: PR_SET_PDEATHSIG"); return 1; }
  int parent_died = getppid() != parent; /* the parent died before prctl took effect */

  pid_t child = fork();
  if (child < 0) { perror("reaper: fork"); return 1; }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &original, NULL);
    prctl(PR_SET_PDEATHSIG, 0);
    execvp(argv[1], argv + 1);
    fprintf(stderr, "reaper: exec %s: %s\n", argv[1], strerror(errno));
    _exit(127);
  }

  int child_status = 0, child_alive = 1;
  for (;;) {
    if (parent_died) { kill_children(); parent_died = 0; }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
      if (pid == child) { child_status = status; child_alive = 0; }
    if (pid < 0 && errno == ECHILD) break;
    siginfo_t info;
    int sig = sigwaitinfo(&watched, &info);
    if ((sig == SIGTERM || sig == SIGINT) && child_alive) kill(child, sig); /* never a reused pid */
    else if (sig == SIGUSR1) parent_died = 1;
  }
  if (WIFEXITED(child_status)) return WEXITSTATUS(child_status);
  if (WIFSIGNALED(child_status)) return 128 + WTERMSIG(child_status);
  return 1;
}
