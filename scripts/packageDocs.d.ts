/** The folder, inside a package, that holds its copies of the repository's docs. */
export declare const PACKAGE_DOCS: string;
/** Link targets that are files of the package itself, without fragment or query. */
export declare function localLinks(markdown: string): string[];
/** Copies the repository docs a package's README links to into its docs/ folder. */
export declare function copyReadmeDocs(packageDir: string): string[];
