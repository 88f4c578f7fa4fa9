// Public surface of the interop domain.
export {};
