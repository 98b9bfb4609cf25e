# Read by BusyBox sh as a login shell (linux, docs/design/linux.md).
export PS1='\w # '
