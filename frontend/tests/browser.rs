//! Runs the page in a headless browser: types into the terminal and reads the DOM back.
//! Run with scripts/test-browser.sh (wasm-pack test --headless --chrome).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Waits `ms` milliseconds, letting Yew render.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Mounts a fresh app into a new element of the body and waits for its first render.
async fn fresh_app() -> Element {
    // Every test starts from nothing saved (apps of earlier tests saved their sessions).
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    std::mem::forget(frontend::mount(root.clone()));
    sleep(50).await;
    root
}

fn input_of(root: &Element) -> HtmlInputElement {
    root.query_selector("#terminal-input").unwrap().expect("no #terminal-input").dyn_into().unwrap()
}

/// Types `text` into the input the way a user does: value set, then an `input` event.
fn type_text(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

async fn press(input: &HtmlInputElement, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    input.dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    sleep(50).await;
}

/// Types a line, presses Enter, and returns the text of the scrollback.
async fn run(root: &Element, line: &str) -> String {
    let input = input_of(root);
    type_text(&input, line);
    press(&input, "Enter").await;
    root.query_selector("#terminal").unwrap().expect("no #terminal").text_content().unwrap_or_default()
}

fn outputs(root: &Element) -> Vec<String> {
    let list = root.query_selector_all(".output").unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.text_content()).collect()
}

#[wasm_bindgen_test]
async fn echo_prints_its_arguments() {
    let root = fresh_app().await;
    let text = run(&root, "echo hello").await;
    assert!(text.contains("hello"), "scrollback: {text}");
    assert_eq!(outputs(&root).last().map(String::as_str), Some("hello"));
    let prompt_lines = root.query_selector_all("#terminal .prompt-line").unwrap();
    let first = prompt_lines.item(0).and_then(|n| n.text_content()).unwrap_or_default();
    assert!(first.ends_with("$ echo hello"), "prompt line: {first}");
    assert_eq!(input_of(&root).value(), "", "the input is cleared after Enter");
}

#[wasm_bindgen_test]
async fn ps_aux_lists_processes() {
    let root = fresh_app().await;
    run(&root, "ps aux").await;
    let out = outputs(&root).join("\n");
    let header = out.lines().next().unwrap_or_default();
    assert!(header.contains("USER") && header.contains("PID"), "header: {header}");
    assert!(out.lines().any(|l| l.contains("ps aux")), "ps aux shows itself: {out}");
}

#[wasm_bindgen_test]
async fn tab_completes_a_command() {
    let root = fresh_app().await;
    let input = input_of(&root);
    type_text(&input, "ifcon");
    press(&input, "Tab").await;
    assert_eq!(input.value(), "ifconfig ");
}

#[wasm_bindgen_test]
async fn clear_empties_the_screen() {
    let root = fresh_app().await;
    run(&root, "echo one").await;
    let text = run(&root, "clear").await;
    assert!(!text.contains("one"), "after clear: {text:?}");
    assert!(!text.contains('\u{1b}'), "no escape bytes shown");
}

#[wasm_bindgen_test]
async fn history_and_ctrl_c() {
    let root = fresh_app().await;
    run(&root, "echo first").await;
    let input = input_of(&root);
    press(&input, "ArrowUp").await;
    assert_eq!(input.value(), "echo first");
    press(&input, "ArrowDown").await;
    assert_eq!(input.value(), "");

    type_text(&input, "sleep 100");
    let init = KeyboardEventInit::new();
    init.set_key("c");
    init.set_ctrl_key(true);
    init.set_bubbles(true);
    input.dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    sleep(50).await;
    let text = root.query_selector("#terminal").unwrap().unwrap().text_content().unwrap_or_default();
    assert!(text.contains("sleep 100^C"), "scrollback: {text}");
    assert_eq!(input.value(), "");
}

#[wasm_bindgen_test]
async fn second_tab_lists_candidates() {
    let root = fresh_app().await;
    let input = input_of(&root);
    type_text(&input, "ls /");
    press(&input, "Tab").await;
    assert!(outputs(&root).is_empty(), "the first Tab lists nothing");
    press(&input, "Tab").await;
    let listed = outputs(&root).join("\n");
    assert!(listed.contains("etc/") && listed.contains("usr/"), "listing: {listed}");
    assert_eq!(input.value(), "ls /", "the line is kept");
}

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector).unwrap().and_then(|e| e.text_content()).unwrap_or_default()
}

async fn click(root: &Element, selector: &str) {
    let el: web_sys::HtmlElement = root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).dyn_into().unwrap();
    el.click();
    sleep(50).await;
}

async fn choose(root: &Element, selector: &str, value: &str) {
    let select: web_sys::HtmlSelectElement = root.query_selector(selector).unwrap().expect("select").dyn_into().unwrap();
    select.set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    select.dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
    sleep(50).await;
}

#[wasm_bindgen_test]
async fn pid_lesson_completes_by_typing_and_panels_follow() {
    let root = fresh_app().await;
    choose(&root, "#lesson-select", "1").await;
    assert!(text_of(&root, "#lesson-title").contains("PID namespace"));
    run(&root, "ps aux").await;
    assert!(text_of(&root, "#step-status").contains("Done"), "step 1: {}", text_of(&root, "#step-status"));
    run(&root, "sudo unshare --pid --fork --mount-proc sh").await;
    assert!(text_of(&root, "#step-goal").contains("Step 2"), "moved on by typing: {}", text_of(&root, "#step-goal"));
    assert!(text_of(&root, "#step-status").contains("Done"));
    // The processes panel: two PID namespaces, the shell with PID 1 in the new one.
    let boxes = root.query_selector_all("#processes-panel .ns-box").unwrap();
    assert_eq!(boxes.length(), 2);
    let you = text_of(&root, "#processes-panel .proc.you .pids");
    assert!(you.ends_with('1'), "shell PIDs: {you}");
    run(&root, "ps aux").await;
    run(&root, "exit").await;
    assert!(text_of(&root, "#step-status").contains("Lesson complete"), "{}", text_of(&root, "#step-status"));
    assert_eq!(root.query_selector_all("#processes-panel .ns-box").unwrap().length(), 1);
}

#[wasm_bindgen_test]
async fn network_panel_shows_netns_and_veth_and_undo_removes_them() {
    let root = fresh_app().await;
    run(&root, "sudo ip netns add red").await;
    run(&root, "sudo ip link add veth0 type veth peer name veth1").await;
    run(&root, "sudo ip link set veth1 netns red").await;
    click(&root, "#tab-network").await;
    let red = text_of(&root, "#network-panel [data-netns=red]");
    assert!(red.contains("veth1") && red.contains("veth0"), "red: {red}");
    click(&root, "#undo").await;
    let red = text_of(&root, "#network-panel [data-netns=red]");
    assert!(!red.contains("veth1"), "after undo: {red}");
    click(&root, "#reset").await;
    assert!(root.query_selector("#network-panel [data-netns=red]").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn language_switches_lesson_and_page_text() {
    let root = fresh_app().await;
    choose(&root, "#lesson-select", "2").await;
    choose(&root, "#lang-select", "ja").await;
    assert!(text_of(&root, "#step-goal").contains("ホストのインターフェース"), "{}", text_of(&root, "#step-goal"));
    assert!(text_of(&root, "#undo").contains("元に戻す"));
    choose(&root, "#lang-select", "en").await;
    assert!(text_of(&root, "#step-goal").contains("List the host"));
}

#[wasm_bindgen_test]
async fn docker_pull_progress_and_colours_render_as_a_terminal_shows_them() {
    let root = fresh_app().await;
    run(&root, "docker run -d --name nginx -p 8080:80 nginx:1.21-alpine").await;
    let out = outputs(&root).pop().unwrap_or_default();
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "no control bytes: {out:?}");
    let layers: Vec<&str> = out.lines().filter(|l| l.ends_with(": Pull complete")).collect();
    assert_eq!(layers.len(), 6, "one line per layer: {out}");
    assert!(out.contains("Status: Downloaded newer image for nginx:1.21-alpine"), "{out}");
    run(&root, "docker exec -it nginx sh").await;
    run(&root, "ls /").await;
    let bin = root.query_selector_all("#terminal .output span.fg-4.bold").unwrap();
    let names: Vec<String> = (0..bin.length()).filter_map(|i| bin.item(i)).filter_map(|n| n.text_content()).collect();
    assert!(names.iter().any(|n| n == "bin") && names.iter().any(|n| n == "etc"), "directories in bold blue: {names:?}");
    let prompt = text_of(&root, ".prompt-line.live .prompt");
    assert_eq!(prompt, "/ # ");
}

#[wasm_bindgen_test]
async fn docker_lesson_step_passes_by_typing_and_the_socket_panel_reads_the_request() {
    let root = fresh_app().await;
    choose(&root, "#lesson-select", "4").await;
    assert!(text_of(&root, "#lesson-title").contains("dockerd"), "{}", text_of(&root, "#lesson-title"));
    run(&root, "docker run -d --name nginx -p 8080:80 nginx:1.21-alpine").await;
    assert!(text_of(&root, "#step-status").contains("Done"), "{}", text_of(&root, "#step-status"));
    click(&root, "#tab-socket").await;
    let panel = text_of(&root, "#socket-panel");
    assert!(panel.contains("POST /v1.41/containers/create"), "{panel}");
    run(&root, "docker ps").await;
    // Typing moved the lesson to its next step, whose first panel is shown.
    click(&root, "#tab-socket").await;
    let panel = text_of(&root, "#socket-panel");
    assert!(panel.contains("GET /v1.41/containers/json"), "{panel}");
}

#[wasm_bindgen_test]
async fn a_desktop_lesson_boots_its_mac_and_the_sandbox_boots_linux_again() {
    let root = fresh_app().await;
    choose(&root, "#lesson-select", "6").await;
    assert!(text_of(&root, "#lesson-machine").contains("M1 Mac"), "{}", text_of(&root, "#lesson-machine"));
    assert!(text_of(&root, ".prompt-line.live .prompt").contains("MacBook-Pro"));
    let out = run(&root, "uname -m").await;
    assert!(out.contains("arm64"), "{out}");
    choose(&root, "#lesson-select", "sandbox").await;
    assert!(text_of(&root, ".prompt-line.live .prompt").contains("ec2-user@"));
}
