export * from 'idb-keyval';
