// What every tool (and the shell) names: the ABI, the scheme client, these helpers, and
// RuntimeExport for the entry point. Kept here so each tool's file is only what it does.
global using System;
global using System.Runtime;
global using Vireo.Abi;
global using Vireo.Commands;
global using Vireo.User;
global using Vireo.User.Schemes;
