package wire

// Version is the highest wire protocol version Sluice speaks; it is what we
// send as highVersion in Hello.
const Version int32 = 17

// OldestCompatibleVersion is the lowest peer version Sluice accepts; it is what
// we send as lowVersion in Hello. Version 5 introduced delegation tokens.
const OldestCompatibleVersion int32 = 5
