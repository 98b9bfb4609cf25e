// What every tool names: the ABI, the program library (Args, Out, File, Ascii, Numbers...), the
// scheme client, and RuntimeExport for the entry point. Kept here so each tool's file is only what
// it does.
global using System;
global using System.Runtime;
global using Vireo.Abi;
global using Vireo.User;
global using Vireo.User.Schemes;
