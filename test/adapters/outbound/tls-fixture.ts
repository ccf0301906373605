// A self-signed certificate for the name pinned.test (valid 2000–2100) and its key, generated
// with openssl for the TLS pinning tests only. Not a secret: it protects nothing.

export const PINNED_TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjla2mGqSMV5eJNVZ
5Q1j7zW7x4f9t/Er1mb92l+uykChRANCAAQMtT7Hs2CeM9iBKCsrefnX9xcxB52m
IoDD3HTIiceTIJz+g/vfyb4wfNowGv/PVsEhhTNNkkTIo1XoPBNwnpRX
-----END PRIVATE KEY-----
`

export const PINNED_TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBZTCCAQqgAwIBAgIBATAKBggqhkjOPQQDAjAWMRQwEgYDVQQDDAtwaW5uZWQu
dGVzdDAgFw0wMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAwMFowFjEUMBIGA1UE
AwwLcGlubmVkLnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQMtT7Hs2Ce
M9iBKCsrefnX9xcxB52mIoDD3HTIiceTIJz+g/vfyb4wfNowGv/PVsEhhTNNkkTI
o1XoPBNwnpRXo0cwRTAWBgNVHREEDzANggtwaW5uZWQudGVzdDAMBgNVHRMBAf8E
AjAAMB0GA1UdDgQWBBSWkpKielrRO+DQka4cAo+hVilhojAKBggqhkjOPQQDAgNJ
ADBGAiEA+x7Hq5s0DpEv+Y+dkNfWznAgzxiuuQ9x0sm+ouJr7z0CIQCii8V91zo6
cnTNt742lEcXOus52tddXPo2nbw5z2LGsA==
-----END CERTIFICATE-----
`
