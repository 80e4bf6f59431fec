import { expect } from "chai";
import { CookieJar } from "../../cli/userAgent/cookieJar";
import { decodeHtmlEntities, readFirstForm } from "../../cli/userAgent/htmlForm";

describe("the headless sign-in's HTML forms", () => {
  it("reads an auto-posting form: method, action resolved against the page, hidden fields decoded", () => {
    const form = readFirstForm(
      `<body onload="document.forms[0].submit()"><form method="post" action="/acs?x=1&amp;y=2">
        <input type="hidden" name="SAMLResponse" value="PHNhbWw+&#x2B;&#43;">
        <input type='hidden' name='RelayState' value='a&quot;b'>
        <noscript><button type="submit">Go</button></noscript></form>`,
      new URL("http://127.0.0.1:9/sso"),
    )!;
    expect(form.method).to.equal("POST");
    expect(form.action.href).to.equal("http://127.0.0.1:9/acs?x=1&y=2");
    expect(Object.fromEntries(form.fields)).to.deep.equal({ SAMLResponse: "PHNhbWw+++", RelayState: 'a"b' });
  });

  it("reads a user picker: the selected option, else the first, and every option offered", () => {
    const html = `<form method="post" action="login"><select name="user"><option value="a">A</option><option value="b" selected>B</option></select><input type="submit" name="go" value="Sign in"></form>`;
    const form = readFirstForm(html, new URL("http://idp/interaction/x/"))!;
    expect(form.fields.get("user")).to.equal("b");
    expect(form.fields.has("go")).to.equal(false);
    expect(form.options.get("user")).to.deep.equal(["a", "b"]);
    expect(form.action.href).to.equal("http://idp/interaction/x/login");
    expect(readFirstForm("<p>no form</p>", new URL("http://idp/"))).to.equal(undefined);
  });

  it("decodes the character references of attribute values", () => {
    expect(decodeHtmlEntities("&lt;a&gt; &amp; &#39;&#x41;&apos; &unknown;")).to.equal("<a> & 'A' &unknown;");
  });
});

describe("the headless sign-in's cookie jar", () => {
  const now = 1_000_000;

  it("sends cookies back to the host and path that set them, most specific path first", () => {
    const jar = new CookieJar();
    jar.store(new URL("http://127.0.0.1:9000/auth"), ["_session=s1; path=/; httponly", "_interaction=i1; path=/interaction/abc; samesite=lax"], now);
    expect(jar.header(new URL("http://127.0.0.1:9000/interaction/abc"), now)).to.equal("_interaction=i1; _session=s1");
    expect(jar.header(new URL("http://127.0.0.1:9000/interaction/abcd"), now)).to.equal("_session=s1");
    expect(jar.header(new URL("http://127.0.0.2:9000/auth"), now)).to.equal(undefined);
  });

  it("forgets expired and deleted cookies, and keeps Secure cookies off plain http", () => {
    const jar = new CookieJar();
    const url = new URL("http://idp/");
    jar.store(url, ["a=1; Max-Age=10", "b=2; Secure", "c=3"], now);
    expect(jar.header(url, now)).to.equal("a=1; c=3");
    expect(jar.header(url, now + 11_000)).to.equal("c=3");
    jar.store(url, ["c=; Max-Age=0"], now);
    expect(jar.header(url, now)).to.equal("a=1");
    expect(jar.header(new URL("https://idp/"), now)).to.equal("a=1; b=2");
  });
});
